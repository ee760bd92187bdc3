package org.elasticscrl.report;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run directory's CSV files (RFC 4180, through Jackson's CSV module): a cell holding a comma, a quote or a
 * line break is quoted, so a worker's error text or a membership event's detail reads back as it was written.
 * Numbers are passed as the strings their writers format (each file keeps its own precision).
 */
public final class Csv {
    private static final CsvMapper MAPPER = new CsvMapper();
    /** One row, no line separator: the caller appends a whole line at once (a row is written whole or not at all). */
    private static final ObjectWriter ROW = MAPPER.writerFor(Object[].class)
            .with(CsvSchema.emptySchema().withLineSeparator("")).with(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING);
    private static final ObjectReader ROWS = MAPPER.readerForListOf(String.class).with(CsvParser.Feature.WRAP_AS_ARRAY);

    private Csv() {}

    /** {@code cells} as one CSV row, without the line separator; a null cell is empty. */
    public static String row(Object... cells) {
        try {
            // a null would be left out (Jackson writes no cell for it), shifting the columns after it
            return ROW.writeValueAsString(java.util.Arrays.stream(cells).map(c -> c == null ? "" : c).toArray());
        } catch (IOException e) { // writing to a string: only a bug gets here
            throw new UncheckedIOException(e);
        }
    }

    /** Every row of {@code text}, the header included. */
    public static List<List<String>> rows(String text) {
        List<List<String>> rows = new ArrayList<>();
        try (MappingIterator<List<String>> it = ROWS.readValues(text)) {
            while (it.hasNext()) {
                rows.add(it.next());
            }
        } catch (IOException | RuntimeException e) {
            // an unterminated quote: the last row was cut short (a crash while it was written) — the rows before it stand
        }
        return rows;
    }

    /** Every row of {@code file} (none when it does not exist), the header included. */
    public static List<List<String>> rows(Path file) throws IOException {
        return Files.exists(file) ? rows(Files.readString(file, StandardCharsets.UTF_8)) : List.of();
    }

    /** The rows of {@code file} after its header that have at least {@code columns} cells. */
    public static List<String[]> dataRows(Path file, int columns) throws IOException {
        List<List<String>> rows = rows(file);
        return rows.subList(Math.min(1, rows.size()), rows.size()).stream().filter(r -> r.size() >= columns)
                .map(r -> r.toArray(String[]::new)).toList();
    }

    /** The rows of {@code file} after its header, each by column name; a row shorter than the header lacks the rest. */
    public static List<Map<String, String>> records(Path file) throws IOException {
        List<List<String>> rows = rows(file);
        List<Map<String, String>> records = new ArrayList<>();
        for (List<String> row : rows.subList(Math.min(1, rows.size()), rows.size())) {
            Map<String, String> r = new LinkedHashMap<>();
            for (int i = 0; i < Math.min(row.size(), rows.get(0).size()); i++) {
                r.put(rows.get(0).get(i), row.get(i));
            }
            records.add(r);
        }
        return records;
    }
}
