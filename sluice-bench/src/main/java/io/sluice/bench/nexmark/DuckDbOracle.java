package io.sluice.bench.nexmark;

import io.sluice.engine.algebra.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.EnumMap;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The reference answers: the same events loaded into DuckDB (a file in a temporary directory,
 * deleted on close), each query run once as a batch query, its rows folded into a {@link ResultDigest}.
 */
public final class DuckDbOracle implements AutoCloseable {
    private final Path directory;
    private final DuckDBConnection connection;

    private DuckDbOracle(Path directory, DuckDBConnection connection) {
        this.directory = directory;
        this.connection = connection;
    }

    /** Opens an empty database with the Nexmark tables. */
    public static DuckDbOracle open() throws IOException, SQLException {
        Path dir = Files.createTempDirectory("sluice-nexmark-duckdb");
        Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("nexmark.duckdb"));
        try (Statement s = c.createStatement()) {
            s.execute("SET threads TO 1");
            s.execute("SET preserve_insertion_order = false");
            s.execute("CREATE TABLE person (id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR,"
                    + " city VARCHAR, state VARCHAR, date_time TIMESTAMP NOT NULL, extra VARCHAR)");
            s.execute("CREATE TABLE auction (id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT,"
                    + " reserve BIGINT, date_time TIMESTAMP NOT NULL, expires TIMESTAMP, seller BIGINT,"
                    + " category BIGINT, extra VARCHAR)");
            s.execute("CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,"
                    + " date_time TIMESTAMP NOT NULL, extra VARCHAR)");
        }
        return new DuckDbOracle(dir, c.unwrap(DuckDBConnection.class));
    }

    /** The underlying connection, e.g. to set DuckDB's thread count. */
    public Connection connection() {
        return connection;
    }

    /** Loads events {@code 0 .. events-1} of {@code generator}. */
    public void load(NexmarkGenerator generator, long events) throws SQLException {
        Map<NexmarkGenerator.Kind, DuckDBAppender> appenders = new EnumMap<>(NexmarkGenerator.Kind.class);
        appenders.put(NexmarkGenerator.Kind.PERSON, connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "person"));
        appenders.put(NexmarkGenerator.Kind.AUCTION, connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "auction"));
        appenders.put(NexmarkGenerator.Kind.BID, connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "bid"));
        try {
            for (long n = 0; n < events; n++) {
                NexmarkGenerator.Event e = generator.event(n);
                append(appenders.get(e.kind()), e.row());
            }
        } finally {
            for (DuckDBAppender a : appenders.values()) {
                a.close();
            }
        }
    }

    private static void append(DuckDBAppender appender, Row row) throws SQLException {
        appender.beginRow();
        for (int i = 0; i < row.arity(); i++) {
            Object v = row.get(i);
            if (v == null) {
                appender.appendNull();
            } else if (v instanceof Long l) {
                appender.append(l.longValue());
            } else if (v instanceof String s) {
                appender.append(s);
            } else if (v instanceof LocalDateTime t) {
                appender.append(t);
            } else {
                throw new IllegalArgumentException("no DuckDB mapping for " + v.getClass());
            }
        }
        appender.endRow();
    }

    /** Runs {@code select} and digests its rows. */
    public ResultDigest digest(String select, int exactLimit) throws SQLException {
        ResultDigest digest = new ResultDigest(exactLimit);
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(select)) {
            int columns = rs.getMetaData().getColumnCount();
            Object[] values = new Object[columns];
            while (rs.next()) {
                for (int i = 0; i < columns; i++) {
                    values[i] = rs.getObject(i + 1);
                }
                digest.add(values, 1);
            }
        }
        return digest;
    }

    /** Runs a statement that returns no rows. */
    public void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws SQLException, IOException {
        connection.close();
        try (var files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(directory);
    }
}
