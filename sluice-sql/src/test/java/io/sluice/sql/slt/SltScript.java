package io.sluice.sql.slt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed sqllogictest script (the format of SQLite's corpus): statements that change the tables and
 * queries with their expected results, each with the {@code skipif}/{@code onlyif} conditions before it.
 */
public record SltScript(String name, List<Record> records) {

    /** One record of the script, at {@code line} (1-based) in its file. */
    public sealed interface Record permits Statement, Query, HashThreshold, Halt {
        int line();
    }

    /** {@code statement ok|error}: SQL that changes the database. */
    public record Statement(int line, boolean expectOk, String sql) implements Record {
    }

    /**
     * {@code query <types> <sort> [label]}: the expected result is either every value (one per line)
     * or a count and the MD5 of the values, each followed by a newline.
     */
    public record Query(int line, String types, SortMode sort, String sql, List<String> values, int hashedCount,
            String hash) implements Record {
        public boolean hashed() {
            return hash != null;
        }
    }

    public record HashThreshold(int line, int threshold) implements Record {
    }

    public record Halt(int line) implements Record {
    }

    public enum SortMode {
        NOSORT, ROWSORT, VALUESORT
    }

    /**
     * Parses {@code reader}. Records guarded by {@code onlyif <db>} for another database are dropped, and
     * so are those guarded by {@code skipif <db>} for {@code engine}: Sluice runs what every engine runs.
     */
    public static SltScript parse(String name, Reader reader, String engine) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(reader)) {
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                lines.add(l);
            }
        }
        List<Record> records = new ArrayList<>();
        int i = 0;
        boolean skip = false;
        while (i < lines.size()) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                i++;
                continue;
            }
            String[] words = trimmed.split("\\s+");
            int recordLine = i + 1;
            switch (words[0]) {
                case "skipif" -> {
                    skip |= words[1].equalsIgnoreCase(engine);
                    i++;
                }
                case "onlyif" -> {
                    skip |= !words[1].equalsIgnoreCase(engine);
                    i++;
                }
                case "hash-threshold" -> {
                    records.add(new HashThreshold(recordLine, Integer.parseInt(words[1])));
                    i++;
                }
                case "halt" -> {
                    if (!skip) {
                        records.add(new Halt(recordLine));
                        return new SltScript(name, records);
                    }
                    skip = false;
                    i++;
                }
                case "statement" -> {
                    i++;
                    StringBuilder sql = new StringBuilder();
                    while (i < lines.size() && !lines.get(i).isBlank()) {
                        sql.append(lines.get(i)).append('\n');
                        i++;
                    }
                    if (!skip) {
                        records.add(new Statement(recordLine, words[1].equals("ok"), sql.toString().strip()));
                    }
                    skip = false;
                }
                case "query" -> {
                    i++;
                    StringBuilder sql = new StringBuilder();
                    while (i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).equals("----")) {
                        sql.append(lines.get(i)).append('\n');
                        i++;
                    }
                    List<String> values = new ArrayList<>();
                    int hashedCount = -1;
                    String hash = null;
                    if (i < lines.size() && lines.get(i).equals("----")) {
                        i++;
                        while (i < lines.size() && !lines.get(i).isEmpty()) {
                            String v = lines.get(i);
                            if (v.matches("\\d+ values hashing to [0-9a-f]{32}")) {
                                String[] parts = v.split(" ");
                                hashedCount = Integer.parseInt(parts[0]);
                                hash = parts[4];
                            } else {
                                values.add(v);
                            }
                            i++;
                        }
                    }
                    SortMode sort = words.length > 2
                            ? SortMode.valueOf(words[2].toUpperCase(Locale.ROOT))
                            : SortMode.NOSORT;
                    if (!skip) {
                        records.add(new Query(recordLine, words[1], sort, sql.toString().strip(), values,
                                hashedCount, hash));
                    }
                    skip = false;
                }
                default -> throw new IOException(name + ":" + recordLine + ": unknown record '" + words[0] + "'");
            }
        }
        return new SltScript(name, records);
    }
}
