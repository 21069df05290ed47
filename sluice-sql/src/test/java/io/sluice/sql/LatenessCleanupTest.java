package io.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitState;
import io.sluice.engine.circuit.OperatorState;
import io.sluice.engine.storage.BatchCodec;
import io.sluice.engine.storage.CircuitStateCodec;
import io.sluice.engine.storage.StateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A column's LATENESS reaches the state of the operators downstream: TUMBLE / HOP aggregates, a MIN /
 * MAX aggregate, DISTINCT and a windowed join over tables with LATENESS, fed far more rows than a
 * window holds (with deletions and rows that come too late), keep bounded traces, and their outputs
 * equal DuckDB's answers over the changes the late filter accepted; the same program without
 * LATENESS keeps everything. A checkpoint taken mid-stream restores into a circuit that continues
 * exactly like the uninterrupted one.
 */
class LatenessCleanupTest {
    private static final LocalDateTime BASE = LocalDateTime.of(2024, 3, 1, 0, 0);
    private static final int STEPS = 600;
    private static final int EVENTS_PER_STEP = 20;
    private static final int OTHER_PER_STEP = 5;
    private static final long LATENESS_SECONDS = 60;
    private static final String LATENESS = "LATENESS INTERVAL '1' MINUTE";

    private static final String PROGRAM = """
            CREATE TABLE events (id INT NOT NULL, ts TIMESTAMP NOT NULL %1$s, v BIGINT);
            CREATE TABLE other (id INT NOT NULL, ts TIMESTAMP NOT NULL %1$s, w BIGINT);
            CREATE LOCAL VIEW ew AS SELECT * FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE));
            CREATE LOCAL VIEW ow AS SELECT * FROM TABLE(TUMBLE(TABLE other, DESCRIPTOR(ts), INTERVAL '1' MINUTE));
            CREATE VIEW counts AS SELECT window_start, window_end, COUNT(*) AS n, SUM(v) AS s FROM ew
                GROUP BY window_start, window_end;
            CREATE VIEW maxes AS SELECT window_start, id, MAX(v) AS m FROM ew GROUP BY window_start, id;
            CREATE VIEW pairs AS SELECT DISTINCT window_start, id FROM ew WHERE v > 10;
            CREATE VIEW joined AS SELECT e.window_start AS ws, e.id, e.v, o.w FROM ew AS e JOIN ow AS o
                ON e.window_start = o.window_start AND e.id = o.id;
            CREATE VIEW hops AS SELECT window_end, COUNT(*) AS n
                FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '30' SECOND, INTERVAL '1' MINUTE))
                GROUP BY window_end;
            CREATE VIEW minutes AS SELECT FLOOR(ts TO MINUTE) + INTERVAL '1' MINUTE AS m, COUNT(*) AS n
                FROM events GROUP BY FLOOR(ts TO MINUTE) + INTERVAL '1' MINUTE;
            """;

    /** DuckDB's form of each view (window_start of a 1-minute TUMBLE is the minute of ts). */
    private static final Map<String, String> ORACLE = new LinkedHashMap<>();

    static {
        String ws = "time_bucket(INTERVAL '1 minute', ts)";
        ORACLE.put("counts", "SELECT " + ws + ", " + ws + " + INTERVAL '1 minute', COUNT(*), SUM(v) FROM events "
                + "GROUP BY ALL");
        ORACLE.put("maxes", "SELECT " + ws + ", id, MAX(v) FROM events GROUP BY ALL");
        ORACLE.put("pairs", "SELECT DISTINCT " + ws + ", id FROM events WHERE v > 10");
        ORACLE.put("joined", "SELECT time_bucket(INTERVAL '1 minute', e.ts), e.id, e.v, o.w FROM events e JOIN other o "
                + "ON time_bucket(INTERVAL '1 minute', e.ts) = time_bucket(INTERVAL '1 minute', o.ts) AND e.id = o.id");
        ORACLE.put("hops", "SELECT we, COUNT(*) FROM (SELECT time_bucket(INTERVAL '30 seconds', ts) + INTERVAL "
                + "'60 seconds' AS we FROM events UNION ALL SELECT time_bucket(INTERVAL '30 seconds', ts) + INTERVAL "
                + "'30 seconds' FROM events) GROUP BY we");
        ORACLE.put("minutes", "SELECT date_trunc('minute', ts) + INTERVAL '1 minute', COUNT(*) FROM events GROUP BY ALL");
    }

    private static final Set<String> STATEFUL = Set.of("aggregate", "generalaggregate", "distinct", "join");

    private static Connection duck;

    @BeforeAll
    static void open() throws SQLException {
        duck = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE TABLE events (id INT, ts TIMESTAMP, v BIGINT)");
            s.execute("CREATE TABLE other (id INT, ts TIMESTAMP, w BIGINT)");
        }
    }

    @AfterAll
    static void close() throws SQLException {
        duck.close();
    }

    /** The input stream and a model of the late filter: what the tables hold after each step. */
    private static final class Feed {
        final Random random;
        final Map<String, List<Row>> accepted = new HashMap<>();
        final Map<String, LocalDateTime> maxSeen = new HashMap<>();
        final Map<String, List<Row>> recent = new HashMap<>();
        long late;

        Feed(long seed) {
            random = new Random(seed);
            accepted.put("events", new ArrayList<>());
            accepted.put("other", new ArrayList<>());
        }

        /** Appends step {@code s}'s changes to {@code circuits} and records those the late filter keeps. */
        void step(int s, Circuit... circuits) {
            Map<String, List<Row>> inserts = new HashMap<>();
            Map<String, List<Row>> deletes = new HashMap<>();
            for (String table : List.of("events", "other")) {
                int n = table.equals("events") ? EVENTS_PER_STEP : OTHER_PER_STEP;
                List<Row> in = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    // ts advances 10 s a step, with up to 30 s of disorder: within the lateness
                    LocalDateTime ts = BASE.plusSeconds(s * 10L + random.nextInt(10) - random.nextInt(30));
                    in.add(Row.of(random.nextInt(10), ts, (long) random.nextInt(20)));
                }
                if (random.nextInt(4) == 0) {
                    in.add(Row.of(random.nextInt(8), BASE.plusSeconds(s * 10L - 600), 7L)); // 10 minutes late
                }
                List<Row> del = new ArrayList<>();
                List<Row> candidates = recent.getOrDefault(table, List.of());
                if (!candidates.isEmpty() && random.nextInt(3) == 0) {
                    del.add(candidates.get(random.nextInt(candidates.size())));
                }
                inserts.put(table, in);
                deletes.put(table, del);
            }
            for (String table : List.of("events", "other")) {
                LocalDateTime max = maxSeen.get(table);
                LocalDateTime waterline = max == null ? null : max.minusSeconds(LATENESS_SECONDS);
                List<Row> kept = new ArrayList<>();
                List<Row> keptInserts = new ArrayList<>();
                for (Row r : inserts.get(table)) {
                    for (Circuit c : circuits) {
                        c.append(table, r, 1);
                    }
                    if (waterline != null && ((LocalDateTime) r.get(1)).isBefore(waterline)) {
                        late++;
                        continue;
                    }
                    accepted.get(table).add(r);
                    kept.add(r);
                    keptInserts.add(r);
                }
                for (Row r : deletes.get(table)) {
                    for (Circuit c : circuits) {
                        c.append(table, r, -1);
                    }
                    if (waterline != null && ((LocalDateTime) r.get(1)).isBefore(waterline)) {
                        late++;
                        continue;
                    }
                    accepted.get(table).remove(r);
                    kept.add(r);
                }
                for (Row r : kept) {
                    LocalDateTime ts = (LocalDateTime) r.get(1);
                    if (maxSeen.get(table) == null || ts.isAfter(maxSeen.get(table))) {
                        maxSeen.put(table, ts);
                    }
                }
                keptInserts.removeAll(deletes.get(table));
                recent.put(table, keptInserts);
            }
        }
    }

    private static void integrate(Map<String, Batch> deltas, Map<String, Map<Row, Long>> integrals) {
        deltas.forEach((view, delta) -> {
            Map<Row, Long> integral = integrals.computeIfAbsent(view, v -> new HashMap<>());
            for (int i = 0; i < delta.size(); i++) {
                integral.merge(delta.key(i), delta.weight(i), Long::sum);
            }
            integral.values().removeIf(w -> w == 0);
        });
    }

    /** Entries held by each stateful operator (its id without the worker suffix), summed over workers. */
    private static Map<String, Long> traceEntries(Circuit c) {
        Map<String, Long> entries = new HashMap<>();
        for (OperatorState op : c.capture().operators()) {
            String id = op.operatorId().replaceAll("@w\\d+of\\d+$", "");
            String kind = id.substring(id.indexOf('-') + 1);
            if (STATEFUL.contains(kind)) {
                entries.merge(id, op.batches().stream().mapToLong(Batch::size).sum(), Long::sum);
            }
        }
        return entries;
    }

    private static void checkAgainstDuckDb(Feed feed, Map<String, Map<Row, Long>> integrals, int step)
            throws SQLException {
        for (String table : List.of("events", "other")) {
            try (Statement s = duck.createStatement()) {
                s.execute("DELETE FROM " + table);
            }
            try (PreparedStatement insert = duck.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
                for (Row r : feed.accepted.get(table)) {
                    insert.setInt(1, (Integer) r.get(0));
                    insert.setTimestamp(2, Timestamp.valueOf((LocalDateTime) r.get(1)));
                    insert.setLong(3, (Long) r.get(2));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        for (Map.Entry<String, String> view : ORACLE.entrySet()) {
            Map<List<Object>, Long> expected = new HashMap<>();
            try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(view.getValue())) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Object[] values = new Object[n];
                    for (int i = 0; i < n; i++) {
                        values[i] = normalize(rs.getObject(i + 1));
                    }
                    expected.merge(Arrays.asList(values), 1L, Long::sum);
                }
            }
            Map<List<Object>, Long> actual = new HashMap<>();
            integrals.getOrDefault(view.getKey(), Map.of()).forEach((row, weight) -> {
                Object[] values = row.toArray();
                for (int i = 0; i < values.length; i++) {
                    values[i] = normalize(values[i]);
                }
                actual.merge(Arrays.asList(values), weight, Long::sum);
            });
            assertThat(actual).as("view %s after step %s", view.getKey(), step).isEqualTo(expected);
        }
    }

    private static Object normalize(Object v) {
        if (v instanceof Timestamp t) {
            return t.toLocalDateTime();
        }
        if (v instanceof Number n) {
            BigDecimal d = new BigDecimal(n.toString()).stripTrailingZeros();
            return d.signum() == 0 ? BigDecimal.ZERO : d;
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void windowedViewsKeepBoundedStateAndEqualDuckDb(int workers) throws SQLException {
        CompiledProgram program = SqlCompiler.compile(PROGRAM.formatted(LATENESS));
        Feed feed = new Feed(7);
        Map<String, Map<Row, Long>> integrals = new HashMap<>();
        Map<String, Long> peak = new HashMap<>();
        try (Circuit circuit = program.newCircuit(workers)) {
            for (int s = 0; s < STEPS; s++) {
                feed.step(s, circuit);
                integrate(circuit.step(), integrals);
                traceEntries(circuit).forEach((id, n) -> peak.merge(id, n, Math::max));
                if (s % 100 == 99) {
                    checkAgainstDuckDb(feed, integrals, s);
                }
            }
            assertThat(circuit.lateRows()).as("rows dropped as late").isEqualTo(feed.late).isPositive();
        }
        long fed = (long) STEPS * EVENTS_PER_STEP;
        long fedOther = (long) STEPS * OTHER_PER_STEP;
        // two aggregates per TUMBLE view kind, a MIN/MAX, a distinct, the join and the HOP and FLOOR aggregates
        assertThat(peak.keySet().stream().map(id -> id.substring(id.indexOf('-') + 1)))
                .contains("aggregate", "generalaggregate", "distinct", "join");
        System.out.printf("LatenessCleanupTest (%d workers): fed %d + %d rows, peak trace entries %s%n", workers, fed,
                fedOther, peak);
        peak.forEach((id, n) -> assertThat(n * 10).as("peak entries of %s (fed %s rows)", id, fed + fedOther)
                .isLessThanOrEqualTo(fed));
    }

    @Test
    void withoutLatenessTheStateKeepsGrowing() {
        CompiledProgram program = SqlCompiler.compile(PROGRAM.formatted(""));
        Feed feed = new Feed(7);
        Map<String, Long> peak = new HashMap<>();
        try (Circuit circuit = program.newCircuit()) {
            for (int s = 0; s < STEPS; s++) {
                feed.step(s, circuit);
                circuit.step();
            }
            peak = traceEntries(circuit);
        }
        long fed = (long) STEPS * EVENTS_PER_STEP;
        assertThat(peak.values().stream().mapToLong(Long::longValue).max().orElseThrow())
                .as("without LATENESS the join keeps every row").isGreaterThan(fed / 2);
    }

    /** A {@link StateStore} over a map of encoded batch files. */
    private static final class MemoryStore implements StateStore {
        private final Map<String, byte[]> files = new HashMap<>();

        @Override
        public String putBatch(Batch batch) throws IOException {
            if (batch.persistedName() != null) {
                return batch.persistedName();
            }
            String name = "batch-" + files.size();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BatchCodec.write(batch, out);
            files.put(name, out.toByteArray());
            batch.markPersisted(name);
            return name;
        }

        @Override
        public Batch getBatch(String name) throws IOException {
            Batch batch = BatchCodec.read(new ByteArrayInputStream(files.get(name)));
            batch.markPersisted(name);
            return batch;
        }
    }

    @Test
    void restoreFromCheckpointContinuesWithRetention() throws IOException, SQLException {
        CompiledProgram program = SqlCompiler.compile(PROGRAM.formatted(LATENESS));
        Feed feed = new Feed(11);
        Map<String, Map<Row, Long>> integrals = new HashMap<>();
        MemoryStore store = new MemoryStore();
        try (Circuit original = program.newCircuit()) {
            int half = STEPS / 4;
            for (int s = 0; s < half; s++) {
                feed.step(s, original);
                integrate(original.step(), integrals);
            }
            byte[] manifest = CircuitStateCodec.writeManifest(original.capture(), store);
            CircuitState saved = CircuitStateCodec.readManifest(manifest, store);
            try (Circuit restored = program.newCircuit()) {
                restored.restore(saved);
                Map<String, Long> peak = new HashMap<>();
                for (int s = half; s < 2 * half; s++) {
                    feed.step(s, original, restored);
                    Map<String, Batch> expected = original.step();
                    Map<String, Batch> actual = restored.step();
                    for (String view : expected.keySet()) {
                        assertThat(actual.get(view).size()).as("%s at step %s", view, s)
                                .isEqualTo(expected.get(view).size());
                        for (int i = 0; i < expected.get(view).size(); i++) {
                            assertThat(actual.get(view).key(i)).isEqualTo(expected.get(view).key(i));
                            assertThat(actual.get(view).weight(i)).isEqualTo(expected.get(view).weight(i));
                        }
                    }
                    integrate(actual, integrals);
                    traceEntries(restored).forEach((id, n) -> peak.merge(id, n, Math::max));
                }
                checkAgainstDuckDb(feed, integrals, 2 * half - 1);
                long fed = 2L * half * EVENTS_PER_STEP;
                System.out.println("LatenessCleanupTest restore: peak trace entries after the restore " + peak);
                peak.forEach((id, n) -> assertThat(n * 10).as("peak entries of %s after the restore", id)
                        .isLessThanOrEqualTo(fed));
            }
        }
    }
}
