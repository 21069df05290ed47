package io.sluice.bench.nexmark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Nexmark programs, from resources under {@code /nexmark/}: {@code tables.sql}, one view per
 * query in {@code qN.sql} (named {@code qN}, in the Feldera-style SQL the query needs), and the
 * reference answer of each in {@code oracle/qN.sql} (DuckDB's dialect).
 */
public final class NexmarkQueries {
    /** q0 to q9 without q6, which needs a ROWS window over the last 10 auctions per seller. */
    public static final List<String> ALL = List.of("q0", "q1", "q2", "q3", "q4", "q5", "q7", "q8", "q9");

    private NexmarkQueries() {
    }

    public static String tables() {
        return resource("tables.sql");
    }

    /** The CREATE VIEW statement of {@code query}. */
    public static String view(String query) {
        return resource(check(query) + ".sql");
    }

    /** The Sluice program of {@code query}: the tables, then its view. */
    public static String program(String query) {
        return tables() + "\n" + view(query);
    }

    /** The DuckDB SELECT giving the reference answer of {@code query}. */
    public static String oracle(String query) {
        return resource("oracle/" + check(query) + ".sql");
    }

    private static String check(String query) {
        if (!ALL.contains(query)) {
            throw new IllegalArgumentException("no Nexmark query " + query + "; known: " + ALL);
        }
        return query;
    }

    private static String resource(String name) {
        try (InputStream in = NexmarkQueries.class.getResourceAsStream("/nexmark/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource /nexmark/" + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
