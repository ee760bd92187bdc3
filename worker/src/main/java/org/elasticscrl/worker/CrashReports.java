package org.elasticscrl.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fatal errors of this worker's earlier JVMs: the reports HotSpot wrote into the worker's crash directory
 * ({@code -XX:ErrorFile}, set where the worker's JVM starts) before it died — a SIGFPE in a native kernel,
 * say. The next JVM of the same worker sends their summaries with its registration, so the coordinator can
 * tell the operator which worker crashed how, and stop admitting a worker that crashes at every attempt.
 * A report is renamed {@code *.reported} once the coordinator has answered the registration that carried it.
 */
public final class CrashReports {
    /** At most this many are sent: a worker in a crash loop has many, the newest tell enough. */
    static final int MAX_SENT = 4;
    private static final int MAX_CHARS = 400;
    private static final Pattern SIGNAL = Pattern.compile("^#\\s+(\\S+ \\(0x[0-9a-f]+\\))( at pc=\\S+)?(.*)$");
    private static final Pattern JAVA_FRAME = Pattern.compile("^[jJ].*?\\b(org\\.elasticscrl\\.[\\w.$]+)\\.([\\w$<>]+)\\(");

    private final List<Path> pending;
    private final List<String> summaries;

    private CrashReports(List<Path> pending, List<String> summaries) {
        this.pending = pending;
        this.summaries = summaries;
    }

    /** The unreported reports in {@code dir} (none when {@code dir} is null or absent), oldest first. */
    public static CrashReports in(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return new CrashReports(List.of(), List.of());
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("hs_err_pid\\d+\\.log"))
                    .sorted(Comparator.comparing(CrashReports::modified)).toList();
        } catch (IOException e) {
            return new CrashReports(List.of(), List.of());
        }
        List<String> summaries = new ArrayList<>();
        for (Path f : files.subList(Math.max(0, files.size() - MAX_SENT), files.size())) {
            try {
                summaries.add(summary(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)));
            } catch (IOException e) {
                summaries.add("fatal error report " + f.getFileName() + " unreadable: " + e.getMessage());
            }
        }
        return new CrashReports(files, summaries);
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Summaries of the newest reports, oldest first. */
    public List<String> summaries() {
        return summaries;
    }

    /** Marks every report as reported (the coordinator has heard of them). */
    public void acknowledge() {
        for (Path f : pending) {
            try {
                Files.move(f, f.resolveSibling(f.getFileName() + ".reported"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                // sent again next time: counted twice at worst, which only brings the limit closer
            }
        }
    }

    /**
     * One line from a HotSpot fatal-error report: the signal, the problematic frame, the nearest frames of
     * this project's code and when, e.g. {@code SIGFPE (0x8) in C [libtorch_cpu.so+0x2f1c0e4]
     * dnnl::...::est_eff_1x1()+0x74; from Autograd.backward < StepComputer.computeOne; 2026-12-06 10:10:20}.
     */
    public static String summary(String report) {
        String signal = null;
        String frame = null;
        String time = null;
        List<String> ours = new ArrayList<>();
        String[] lines = report.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher s = SIGNAL.matcher(line);
            if (signal == null && s.matches() && s.group(1).startsWith("SIG")) {
                signal = s.group(1) + (s.group(3).contains("sent by kill") ? " (sent by kill)" : "");
            } else if (signal == null && line.startsWith("#  ") && line.contains("Internal Error")) {
                signal = "internal error";
            } else if (frame == null && line.startsWith("# Problematic frame:") && i + 1 < lines.length) {
                frame = lines[i + 1].replaceFirst("^#\\s*", "").replaceAll("\\s+", " ").trim();
            } else if (time == null && line.startsWith("Time: ")) {
                time = line.substring(6).replaceFirst(" elapsed time:.*", "").trim();
            } else {
                Matcher j = JAVA_FRAME.matcher(line);
                if (j.find() && ours.size() < 2) {
                    String cls = j.group(1).substring(j.group(1).lastIndexOf('.') + 1);
                    String name = cls + "." + j.group(2);
                    if (!ours.contains(name)) {
                        ours.add(name);
                    }
                }
            }
        }
        StringBuilder b = new StringBuilder(signal != null ? signal : "fatal error");
        if (frame != null) {
            b.append(" in ").append(frame);
        }
        if (!ours.isEmpty()) {
            b.append("; from ").append(String.join(" < ", ours));
        }
        if (time != null) {
            b.append("; ").append(time);
        }
        String out = b.toString().chars().map(c -> c < 0x20 ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return out.length() > MAX_CHARS ? out.substring(0, MAX_CHARS) + "..." : out;
    }
}
