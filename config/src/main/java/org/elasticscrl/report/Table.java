package org.elasticscrl.report;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns, for terminals and logs. */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = List.of(header);
    }

    public Table row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row of " + cells.length + " cells for " + header.size() + " columns");
        }
        rows.add(List.of(cells));
        return this;
    }

    @Override
    public String toString() {
        int[] w = new int[header.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = header.get(c).length();
            for (List<String> r : rows) {
                w[c] = Math.max(w[c], r.get(c).length());
            }
        }
        StringBuilder b = new StringBuilder();
        String rule = rule(w);
        b.append(rule).append(line(header, w)).append(rule);
        for (List<String> r : rows) {
            b.append(line(r, w));
        }
        return b.append(rule).toString();
    }

    private static String rule(int[] w) {
        StringBuilder b = new StringBuilder("+");
        for (int x : w) {
            b.append("-".repeat(x + 2)).append('+');
        }
        return b.append('\n').toString();
    }

    private static String line(List<String> cells, int[] w) {
        StringBuilder b = new StringBuilder("|");
        for (int c = 0; c < w.length; c++) {
            String s = cells.get(c);
            boolean numeric = !s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-');
            String pad = " ".repeat(w[c] - s.length());
            b.append(' ').append(numeric ? pad + s : s + pad).append(" |");
        }
        return b.append('\n').toString();
    }
}
