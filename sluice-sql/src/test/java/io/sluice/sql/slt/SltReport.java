package io.sluice.sql.slt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The sqllogictest counts per file, rendered as the Markdown table of {@code docs/sql-coverage.md}. */
final class SltReport {
    static final String BEGIN = "<!-- slt-counts:begin (written by SqlLogicTest) -->";
    static final String END = "<!-- slt-counts:end -->";

    private SltReport() {
    }

    record FileCounts(String file, int queries, int passed, int dialect, int refused, int wrong, int notRun,
            String setupFailure, Map<String, Integer> refusals) {
        static FileCounts of(String file, SltScript script, List<SltRunner.QueryResult> results, String setupFailure) {
            int queries = (int) script.records().stream().filter(r -> r instanceof SltScript.Query).count();
            int passed = 0;
            int dialect = 0;
            int refused = 0;
            int wrong = 0;
            Map<String, Integer> refusals = new TreeMap<>();
            for (SltRunner.QueryResult r : results) {
                switch (r.outcome()) {
                    case PASSED -> passed++;
                    case DIALECT -> dialect++;
                    case WRONG -> wrong++;
                    case REFUSED -> {
                        refused++;
                        refusals.merge(reason(r.detail()), 1, Integer::sum);
                    }
                }
            }
            return new FileCounts(file, queries, passed, dialect, refused, wrong, queries - results.size(),
                    setupFailure, refusals);
        }
    }

    /** A refusal without its position, so equal reasons count together. */
    static String reason(String message) {
        return message.replaceFirst("^line \\d+, column \\d+: ", "").replaceAll("'[^']*'", "'…'")
                .replaceAll("\\s+", " ");
    }

    static String render(Map<String, FileCounts> counts) {
        StringBuilder out = new StringBuilder();
        out.append(BEGIN).append('\n');
        out.append("| file | queries | passed | dialect | refused | wrong | not run |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        int[] total = new int[6];
        Map<String, Integer> reasons = new LinkedHashMap<>();
        for (FileCounts c : counts.values()) {
            out.append("| ").append(c.file()).append(" | ").append(c.queries()).append(" | ").append(c.passed())
                    .append(" | ").append(c.dialect()).append(" | ").append(c.refused()).append(" | ")
                    .append(c.wrong()).append(" | ").append(c.notRun()).append(" |\n");
            total[0] += c.queries();
            total[1] += c.passed();
            total[2] += c.dialect();
            total[3] += c.refused();
            total[4] += c.wrong();
            total[5] += c.notRun();
            c.refusals().forEach((k, v) -> reasons.merge(k, v, Integer::sum));
        }
        out.append("| **all** | ").append(total[0]).append(" | ").append(total[1]).append(" | ").append(total[2])
                .append(" | ").append(total[3]).append(" | ").append(total[4]).append(" | ").append(total[5])
                .append(" |\n\n");
        List<FileCounts> stopped = counts.values().stream().filter(c -> !c.setupFailure().isEmpty()).toList();
        if (!stopped.isEmpty()) {
            out.append("Scripts stopped early (a statement the test's table store, H2, does not run):\n\n");
            for (FileCounts c : stopped) {
                out.append("- ").append(c.setupFailure().replace("\n", " ")).append('\n');
            }
            out.append('\n');
        }
        out.append("Most frequent reasons for refusing a query:\n\n| queries | reason |\n|---:|---|\n");
        reasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
                .forEach(e -> out.append("| ").append(e.getValue()).append(" | ")
                        .append(e.getKey().replace("|", "\\|")).append(" |\n"));
        out.append(END).append('\n');
        return out.toString();
    }

    /** Replaces the counts between the markers of {@code page} with {@code report}. */
    static void writeInto(Path page, String report) throws IOException {
        String text = Files.readString(page);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IOException(page + " has no " + BEGIN + " ... " + END + " section");
        }
        Files.writeString(page, text.substring(0, begin) + report + text.substring(end + END.length() + 1));
    }
}
