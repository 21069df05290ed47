package io.sluice.bench.nexmark;

import io.sluice.bench.BenchArguments;
import io.sluice.bench.ResultLine;
import io.sluice.bench.Scenario;
import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.sql.CompiledProgram;
import io.sluice.sql.SqlCompiler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code recompute-vs-incremental}: a table of N rows and a view over it; then small changes of C
 * rows (half deletes of existing rows, half inserts of new ones). Sluice applies each change in one
 * incremental step; DuckDB, holding the same table with the same change applied, recomputes the
 * whole view. Both sides' final view contents are compared.
 *
 * <p>Views: {@code aggregate} is {@code SELECT g, COUNT(*), SUM(v) FROM t GROUP BY g} over 1,000
 * groups; {@code join} is the same aggregate after joining a 1,000-row dimension table on g.
 * Row i of t is {@code (i, i mod 1000, (i * 7919) mod 1000003)}, computed the same way on both sides.
 */
public final class RecomputeVsIncrementalScenario implements Scenario {
    private static final int GROUPS = 1000;

    @Override
    public String name() {
        return "recompute-vs-incremental";
    }

    @Override
    public String description() {
        return "latency of Sluice's incremental step for a small change vs DuckDB recomputing the view"
                + " (--rows 10000000 --change 100 --views aggregate,join --repeats 10 --duckdb-threads 2)";
    }

    @Override
    public Set<String> options() {
        return Set.of("rows", "change", "views", "repeats", "duckdb-threads");
    }

    @Override
    public List<ResultLine> run(BenchArguments args) throws Exception {
        long rows = args.positiveLongs("rows", "10000000").get(0);
        int change = args.positiveInt("change", 100);
        int repeats = args.positiveInt("repeats", 10);
        int duckThreads = args.positiveInt("duckdb-threads", 2);
        List<String> views = args.choices("views", "aggregate,join", Set.of("aggregate", "join"));
        if (change < 2 || change / 2 * (long) repeats > rows) {
            throw new IllegalArgumentException("--change must be at least 2 and change/2 * repeats at most --rows");
        }
        List<ResultLine> results = new ArrayList<>();
        for (String view : views) {
            runView(view, rows, change, repeats, duckThreads, results);
        }
        return results;
    }

    static String program(String view) {
        String tables = "CREATE TABLE t (k BIGINT NOT NULL, g BIGINT NOT NULL, v BIGINT NOT NULL);\n"
                + "CREATE TABLE d (g BIGINT NOT NULL PRIMARY KEY, name VARCHAR NOT NULL);\n";
        return tables + "CREATE MATERIALIZED VIEW r AS " + select(view) + ";\n";
    }

    static String select(String view) {
        return view.equals("aggregate")
                ? "SELECT g, COUNT(*) AS c, SUM(v) AS s FROM t GROUP BY g"
                : "SELECT d.name, COUNT(*) AS c, SUM(t.v) AS s FROM t JOIN d ON t.g = d.g GROUP BY d.name";
    }

    static Row row(long i) {
        return Row.wrap(new Object[] {i, i % GROUPS, (i * 7919) % 1_000_003});
    }

    private static void runView(String view, long rows, int change, int repeats, int duckThreads,
            List<ResultLine> results) throws Exception {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("view", view);
        labels.put("rows", Long.toString(rows));
        labels.put("change", Integer.toString(change));
        CompiledProgram program = SqlCompiler.compile(program(view));
        Circuit circuit = program.newCircuit();
        long t0 = System.nanoTime();
        for (int g = 0; g < GROUPS; g++) {
            circuit.append("d", Row.wrap(new Object[] {(long) g, "group-" + g}), 1);
        }
        for (long start = 0; start < rows; start += 100_000) {
            long end = Math.min(rows, start + 100_000);
            for (long i = start; i < end; i++) {
                circuit.append("t", row(i), 1);
            }
            circuit.step();
        }
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("recompute-vs-incremental %s: loaded %,d rows into Sluice in %.1f s%n", view, rows, loadSeconds);

        try (DuckDbOracle duck = DuckDbOracle.open()) {
            duck.execute("SET threads TO " + duckThreads);
            duck.execute("CREATE TABLE t (k BIGINT NOT NULL, g BIGINT NOT NULL, v BIGINT NOT NULL)");
            duck.execute("CREATE TABLE d (g BIGINT NOT NULL PRIMARY KEY, name VARCHAR NOT NULL)");
            long d0 = System.nanoTime();
            duck.execute("INSERT INTO t SELECT i, i % " + GROUPS + ", (i * 7919) % 1000003 FROM range(" + rows + ") r(i)");
            duck.execute("INSERT INTO d SELECT i, 'group-' || i FROM range(" + GROUPS + ") r(i)");
            System.out.printf("recompute-vs-incremental %s: loaded %,d rows into DuckDB in %.1f s%n", view, rows,
                    (System.nanoTime() - d0) / 1e9);

            double[] sluiceMs = new double[repeats];
            double[] duckMs = new double[repeats];
            long nextNew = rows;
            for (int r = 0; r < repeats; r++) {
                // delete change/2 existing rows spread over the table, insert change - change/2 new ones
                int deletes = change / 2;
                long[] deleted = new long[deletes];
                for (int j = 0; j < deletes; j++) {
                    deleted[j] = (r + (long) j * repeats) * (rows / ((long) deletes * repeats));
                }
                long firstNew = nextNew;
                nextNew += change - deletes;

                long s0 = System.nanoTime();
                for (long k : deleted) {
                    circuit.append("t", row(k), -1);
                }
                for (long i = firstNew; i < nextNew; i++) {
                    circuit.append("t", row(i), 1);
                }
                circuit.step();
                sluiceMs[r] = (System.nanoTime() - s0) / 1e6;

                StringBuilder in = new StringBuilder();
                for (long k : deleted) {
                    in.append(in.length() == 0 ? "" : ",").append(k);
                }
                duck.execute("DELETE FROM t WHERE k IN (" + in + ")");
                duck.execute("INSERT INTO t SELECT i, i % " + GROUPS + ", (i * 7919) % 1000003 FROM range("
                        + firstNew + ", " + nextNew + ") r(i)");
                long q0 = System.nanoTime();
                ResultDigest recomputed = duck.digest(select(view), 10_000);
                duckMs[r] = (System.nanoTime() - q0) / 1e6;
                if (recomputed.rows() != GROUPS) {
                    throw new IllegalStateException("DuckDB's view has " + recomputed.rows() + " rows, expected " + GROUPS);
                }
            }
            ResultDigest sluiceView = new ResultDigest(10_000);
            Batch contents = circuit.snapshot("r");
            for (int i = 0; i < contents.size(); i++) {
                sluiceView.add(contents.key(i).toArray(), contents.weight(i));
            }
            boolean correct = sluiceView.sameAs(duck.digest(select(view), 10_000));
            double sluice = median(sluiceMs);
            double recompute = median(duckMs);
            System.out.printf("recompute-vs-incremental %s: Sluice step median %.3f ms (min %.3f), DuckDB recompute"
                    + " median %.1f ms (min %.1f), ratio %.0fx; final view %s%n", view, sluice, min(sluiceMs),
                    recompute, min(duckMs), recompute / sluice, correct ? "the same" : "DIFFERENT");
            results.add(new ResultLine("incremental_step_ms", labels, sluice, "ms"));
            results.add(new ResultLine("duckdb_recompute_ms", labels, recompute, "ms"));
            results.add(new ResultLine("recompute_over_incremental", labels, recompute / sluice, "ratio"));
            results.add(new ResultLine("sluice_load_seconds", labels, loadSeconds, "s"));
            results.add(new ResultLine("recompute_vs_incremental_correct", labels, correct ? 1 : 0, "flag"));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }
}
