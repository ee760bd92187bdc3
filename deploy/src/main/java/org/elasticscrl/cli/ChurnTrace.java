package org.elasticscrl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A membership trace: one event a line, {@code milliseconds_since_start,add|remove,node_id}, as the published
 * spot-instance traces are written — a node added (a machine became available) or removed (preempted). Reading
 * refuses what a replay could not run: an unordered time, a node added twice while alive, a node removed that
 * is not alive, naming the file and line. A pure value: {@link #compressed} and {@link #firstEvents} make new ones.
 */
record ChurnTrace(String name, List<Event> events) {
    /** One membership change at {@code millis} after the trace's start. */
    record Event(long millis, boolean add, String node) {}

    ChurnTrace {
        events = List.copyOf(events);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("trace " + name + " has no events");
        }
    }

    static ChurnTrace read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--trace " + file + ": no such file (a CSV of"
                    + " milliseconds,add|remove,node lines)");
        }
        return parse(file.getFileName().toString(), Files.readAllLines(file));
    }

    /** Parses {@code lines} (blank lines and a header line starting with a letter are skipped). */
    static ChurnTrace parse(String name, List<String> lines) {
        List<Event> out = new ArrayList<>();
        Set<String> alive = new HashSet<>();
        long last = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || (i == 0 && Character.isLetter(line.charAt(0)))) {
                continue;
            }
            String where = name + " line " + (i + 1) + " ('" + line + "')";
            String[] f = line.split(",");
            if (f.length != 3) {
                throw new IllegalArgumentException(where + ": not milliseconds,add|remove,node");
            }
            long ms;
            try {
                ms = Long.parseLong(f[0].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": '" + f[0] + "' is not a whole number of milliseconds");
            }
            String node = f[2].trim();
            if (ms < last || ms < 0) {
                throw new IllegalArgumentException(where + ": the time goes back (" + ms + " after " + last + ")");
            }
            if (!node.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException(where + ": node '" + node + "' is not 1-64 letters, digits, '.', '_'"
                        + " or '-'");
            }
            boolean add = switch (f[1].trim()) {
                case "add" -> true;
                case "remove" -> false;
                default -> throw new IllegalArgumentException(where + ": '" + f[1] + "' is neither add nor remove");
            };
            if (add ? !alive.add(node) : !alive.remove(node)) {
                throw new IllegalArgumentException(where + ": " + node + (add ? " is already alive" : " is not alive"));
            }
            out.add(new Event(ms, add, node));
            last = ms;
        }
        return new ChurnTrace(name, out);
    }

    /** The events at the trace's first time: the pool a replay starts from. */
    List<Event> initial() {
        long first = events.get(0).millis();
        return events.stream().takeWhile(e -> e.millis() == first).toList();
    }

    /** The rest, in order. */
    List<Event> changes() {
        return events.subList(initial().size(), events.size());
    }

    /** Milliseconds from the first event to the last. */
    long spanMillis() {
        return events.get(events.size() - 1).millis() - events.get(0).millis();
    }

    /** The same events {@code speedup} times closer together (times from the first event, rounded). */
    ChurnTrace compressed(double speedup) {
        if (!(speedup >= 1)) {
            throw new IllegalArgumentException("--speedup must be at least 1, got " + speedup);
        }
        long first = events.get(0).millis();
        return new ChurnTrace(name, events.stream()
                .map(e -> new Event(Math.round((e.millis() - first) / speedup), e.add(), e.node())).toList());
    }

    /**
     * The trace from {@code millis} on: the nodes alive then (after every event up to and including that time) are
     * added at {@code millis}, in the order they joined, and the later events follow — a window of a long trace whose
     * pool size it keeps (e.g. 9-14 spot nodes coming and going), where {@link #firstEvents} starts from nothing.
     */
    ChurnTrace from(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("--from must not be negative, got " + millis + " ms");
        }
        Set<String> alive = new LinkedHashSet<>();
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            if (e.millis() > millis) {
                out.add(e);
            } else if (e.add()) {
                alive.add(e.node());
            } else {
                alive.remove(e.node());
            }
        }
        if (alive.isEmpty()) {
            throw new IllegalArgumentException("--from " + millis / 60_000.0 + " min: no node of " + name
                    + " is alive then (its nodes are alive from " + events.get(0).millis() / 60_000.0 + " min)");
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--from " + millis / 60_000.0 + " min: " + name + " has no event after"
                    + " it (its last is at " + events.get(events.size() - 1).millis() / 60_000.0 + " min)");
        }
        List<Event> window = new ArrayList<>();
        alive.forEach(n -> window.add(new Event(millis, true, n)));
        window.addAll(out);
        return new ChurnTrace(name, window);
    }

    /** The first {@code n} events (all of them when n ≥ their number). */
    ChurnTrace firstEvents(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("--events must be at least 1, got " + n);
        }
        return new ChurnTrace(name, events.subList(0, Math.min(n, events.size())));
    }

    /** The most nodes alive at once. */
    int peakAlive() {
        int alive = 0;
        int peak = 0;
        for (Event e : events) {
            alive += e.add() ? 1 : -1;
            peak = Math.max(peak, alive);
        }
        return peak;
    }

    long adds() {
        return events.stream().filter(Event::add).count();
    }
}
