package io.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Differential test of queries against DuckDB: each case draws a random schema (one to three tables of
 * INT, BIGINT, DECIMAL and VARCHAR columns, one of them with a primary key), a random view from a
 * grammar (filters and projections, inner / left / right / full joins of two or three inputs,
 * grouped and global aggregates with HAVING and ROLLUP, DISTINCT, UNION [ALL] / EXCEPT / INTERSECT,
 * subqueries in FROM, IN / NOT IN / EXISTS / scalar subqueries, correlated or not, ORDER BY ... LIMIT
 * and ROW_NUMBER / RANK / DENSE_RANK top-k), and a random stream of inserts, deletes and updates.
 * After every step the integral of the view's output equals DuckDB's answer to the same query over the
 * same table contents, as multisets.
 *
 * <p>{@code -Dsluice.fuzz.cases=20000} runs more cases (500 by default); {@code -Dsluice.fuzz.seed=n}
 * changes the first seed. A failure names the seed, the step, the program and both answers.
 */
class QueryFuzzTest {
    private static final int CASES = Integer.getInteger("sluice.fuzz.cases", 500);
    private static final long FIRST_SEED = Long.getLong("sluice.fuzz.seed", 1);
    private static final int STEPS = 6;

    private static Connection oracle;

    @BeforeAll
    static void open() throws SQLException {
        oracle = DriverManager.getConnection("jdbc:duckdb:");
    }

    @AfterAll
    static void close() throws SQLException {
        oracle.close();
    }

    @Test
    void randomViews_equalDuckDbAfterEveryStep() throws SQLException {
        int refused = 0;
        List<String> failures = new ArrayList<>();
        for (long seed = FIRST_SEED; seed < FIRST_SEED + CASES; seed++) {
            try {
                if (!runCase(seed)) {
                    refused++;
                }
            } catch (AssertionError e) {
                // keep going so that one long run reports every wrong answer, not just the first
                System.out.println("QueryFuzzTest FAILURE seed " + seed + ": " + e.getMessage());
                failures.add("seed " + seed + ": " + e.getMessage());
            }
        }
        System.out.printf("QueryFuzzTest: %d cases from seed %d, %d refused for the planner limitation, %d failed%n",
                CASES, FIRST_SEED, refused, failures.size());
        assertThat(failures).as("failing cases").isEmpty();
        // the planner limitation is rare; if it grows, the grammar or the planner changed
        assertThat(refused).as("cases refused for the planner limitation").isLessThanOrEqualTo(CASES / 100 + 1);
    }

    /** One column of a generated table or query: its name and whether it is a number (else a string). */
    private record Col(String name, String type) {
        boolean numeric() {
            return !type.startsWith("VARCHAR");
        }
    }

    private record Table(String name, List<Col> cols, boolean keyed) {
    }

    /** A FROM item: its SQL (a table name or a parenthesized query) and its columns. */
    private record Source(String sql, List<Col> cols) {
    }

    /** Runs one case; false when Sluice refused its query for a known planner limitation. */
    private static boolean runCase(long seed) throws SQLException {
        Random random = new Random(seed);
        List<Table> tables = schema(random);
        Generator generator = new Generator(random, tables);
        String query = generator.query(2);
        StringBuilder program = new StringBuilder();
        for (Table t : tables) {
            program.append(ddl(t)).append(";\n");
        }
        program.append("CREATE VIEW v AS ").append(query).append(";\n");
        CompiledProgram compiled;
        try {
            compiled = SqlCompiler.compile(program.toString());
        } catch (SqlCompileException e) {
            if (e.getMessage().contains("limitation of the planner")) {
                return false; // a documented refusal (see docs/sql-reference.md), never a wrong answer
            }
            fail("seed " + seed + ": Sluice refused a query of the supported grammar: " + e.getMessage() + "\n"
                    + program, e);
            return false;
        } catch (RuntimeException | AssertionError e) {
            fail("seed " + seed + ": the compiler failed: " + e + "\n" + program, e);
            return false;
        }
        try (Statement s = oracle.createStatement()) {
            for (int i = 0; i < 3; i++) {
                s.execute("DROP TABLE IF EXISTS t" + i);
            }
            for (Table t : tables) {
                s.execute(ddl(t));
            }
        }
        Circuit circuit = compiled.newCircuit();
        Map<String, List<Row>> contents = new HashMap<>();
        for (Table t : tables) {
            contents.put(t.name(), new ArrayList<>());
        }
        Map<Row, Long> integral = new HashMap<>();
        for (int step = 0; step < STEPS; step++) {
            int changes = 1 + random.nextInt(step == 0 ? 12 : 5);
            for (int c = 0; c < changes; c++) {
                change(random, circuit, tables, contents);
            }
            Map<String, Batch> deltas = circuit.step();
            Batch delta = deltas.get("v");
            for (int i = 0; i < delta.size(); i++) {
                integral.merge(delta.key(i), delta.weight(i), Long::sum);
            }
            integral.values().removeIf(w -> w == 0);
            for (Table t : tables) {
                reload(t, contents.get(t.name()));
            }
            Map<List<Object>, Long> expected = oracleAnswer(query);
            Map<List<Object>, Long> actual = normalize(integral);
            if (!actual.equals(expected)) {
                // In the 20,000-case run one DuckDB answer was wrong once and never again (seed 8835
                // step 5: an empty ORDER BY ... LIMIT 1 over a table holding three rows; the same seed
                // alone, and its neighbours in sequence, get the right answer). Sluice's answer is
                // deterministic, so on a mismatch the oracle is asked again over freshly loaded tables,
                // and the case fails if that answer differs too.
                for (Table t : tables) {
                    reload(t, contents.get(t.name()));
                }
                expected = oracleAnswer(query);
            }
            assertThat(actual).as("seed %s step %s\n%s", seed, step, program).isEqualTo(expected);
        }
        return true;
    }

    private static final String[] TYPES = {"INT", "BIGINT", "DECIMAL(5, 1)", "VARCHAR(3)"};

    private static List<Table> schema(Random random) {
        int n = 1 + random.nextInt(3);
        List<Table> tables = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Col> cols = new ArrayList<>();
            boolean keyed = i == 0 && random.nextBoolean();
            int width = 2 + random.nextInt(3);
            for (int c = 0; c < width; c++) {
                // the first column is a number so every table can be joined and compared on one
                String type = c == 0 ? "INT" : TYPES[random.nextInt(TYPES.length)];
                cols.add(new Col("t" + i + "c" + c, type));
            }
            tables.add(new Table("t" + i, cols, keyed));
        }
        return tables;
    }

    private static String ddl(Table t) {
        StringBuilder sb = new StringBuilder("CREATE TABLE ").append(t.name()).append(" (");
        for (int c = 0; c < t.cols().size(); c++) {
            Col col = t.cols().get(c);
            sb.append(c == 0 ? "" : ", ").append(col.name()).append(' ').append(col.type());
            if (c == 0 && t.keyed()) {
                sb.append(" NOT NULL PRIMARY KEY");
            }
        }
        return sb.append(')').toString();
    }

    private static Object randomValue(Random random, Col col, boolean key) {
        if (!key && random.nextInt(5) == 0) {
            return null;
        }
        return switch (col.type()) {
            case "INT" -> random.nextInt(5);
            case "BIGINT" -> (long) random.nextInt(5);
            case "DECIMAL(5, 1)" -> BigDecimal.valueOf(random.nextInt(8) * 5L, 1);
            default -> String.valueOf((char) ('a' + random.nextInt(3)));
        };
    }

    /** One insert, delete or update (an update deletes a row and inserts a changed copy in the same step). */
    private static void change(Random random, Circuit circuit, List<Table> tables, Map<String, List<Row>> contents) {
        Table t = tables.get(random.nextInt(tables.size()));
        List<Row> rows = contents.get(t.name());
        int kind = random.nextInt(4);
        if (t.keyed()) {
            Object[] values = new Object[t.cols().size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = randomValue(random, t.cols().get(c), c == 0);
            }
            Row row = Row.wrap(values);
            rows.removeIf(r -> r.get(0).equals(row.get(0)));
            if (kind == 0) {
                circuit.append(t.name(), row, -1);
            } else {
                circuit.append(t.name(), row, 1); // inserts, or updates the row with the same key
                rows.add(row);
            }
            return;
        }
        if ((kind == 0 || kind == 1) && !rows.isEmpty()) {
            Row old = rows.remove(random.nextInt(rows.size()));
            circuit.append(t.name(), old, -1);
            if (kind == 0) {
                return;
            }
            Object[] values = old.toArray();
            int c = random.nextInt(values.length);
            values[c] = randomValue(random, t.cols().get(c), false);
            Row updated = Row.wrap(values);
            circuit.append(t.name(), updated, 1);
            rows.add(updated);
            return;
        }
        Object[] values = new Object[t.cols().size()];
        for (int c = 0; c < values.length; c++) {
            values[c] = randomValue(random, t.cols().get(c), false);
        }
        Row row = Row.wrap(values);
        circuit.append(t.name(), row, 1);
        rows.add(row);
    }

    private static void reload(Table t, List<Row> rows) throws SQLException {
        try (Statement s = oracle.createStatement()) {
            s.execute("DELETE FROM " + t.name());
        }
        String marks = String.join(", ", Collections.nCopies(t.cols().size(), "?"));
        try (PreparedStatement insert = oracle.prepareStatement("INSERT INTO " + t.name() + " VALUES (" + marks + ")")) {
            for (Row row : rows) {
                for (int i = 0; i < t.cols().size(); i++) {
                    insert.setObject(i + 1, row.get(i));
                }
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static Map<List<Object>, Long> oracleAnswer(String sql) throws SQLException {
        Map<List<Object>, Long> out = new HashMap<>();
        try (Statement s = oracle.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] values = new Object[n];
                for (int i = 0; i < n; i++) {
                    values[i] = normalizeValue(rs.getObject(i + 1));
                }
                out.merge(Arrays.asList(values), 1L, Long::sum);
            }
        }
        return out;
    }

    private static Map<List<Object>, Long> normalize(Map<Row, Long> integral) {
        Map<List<Object>, Long> out = new HashMap<>();
        integral.forEach((row, weight) -> {
            assertThat(weight).as("weight of %s", row).isPositive();
            Object[] values = row.toArray();
            for (int i = 0; i < values.length; i++) {
                values[i] = normalizeValue(values[i]);
            }
            out.merge(Arrays.asList(values), weight, Long::sum);
        });
        return out;
    }

    /** Numbers of any class compare by value (DuckDB's SUM of INT is a HUGEINT, Sluice's an INT). */
    private static Object normalizeValue(Object v) {
        if (v instanceof Number n) {
            BigDecimal d = v instanceof Double x ? BigDecimal.valueOf(x) : new BigDecimal(n.toString());
            d = d.stripTrailingZeros();
            return d.signum() == 0 ? BigDecimal.ZERO : d;
        }
        return v;
    }

    /** The query grammar. Every query names its output columns c0, c1, ... */
    private static final class Generator {
        private final Random random;
        private final List<Table> tables;
        private int aliases;

        Generator(Random random, List<Table> tables) {
            this.random = random;
            this.tables = tables;
        }

        String query(int depth) {
            return select(depth).sql();
        }

        /** A query as a source: its SQL text (not parenthesized) and its columns. */
        Source select(int depth) {
            int kind = random.nextInt(depth > 0 ? 11 : 4);
            return switch (kind) {
                case 0 -> filterProject(depth);
                case 1 -> aggregate(depth, false);
                case 2 -> join(depth);
                case 3 -> distinct(depth);
                case 4 -> setOp(depth);
                case 5 -> inSubquery(depth);
                case 6 -> existsSubquery(depth);
                case 7 -> scalarSubquery(depth);
                case 8 -> topK(depth);
                case 9 -> windowTopK(depth);
                default -> aggregate(depth, true);
            };
        }

        private String alias() {
            return "s" + aliases++;
        }

        /** A table or, with depth left, a subquery in FROM. */
        private Source from(int depth) {
            if (depth > 0 && random.nextInt(3) == 0) {
                Source q = select(depth - 1);
                return new Source("(" + q.sql() + ")", q.cols());
            }
            Table t = tables.get(random.nextInt(tables.size()));
            return new Source(t.name(), t.cols());
        }

        private Col pick(List<Col> cols) {
            return cols.get(random.nextInt(cols.size()));
        }

        private Col pickNumeric(List<Col> cols) {
            List<Col> numeric = cols.stream().filter(Col::numeric).toList();
            return numeric.isEmpty() ? null : numeric.get(random.nextInt(numeric.size()));
        }

        private static String ref(String alias, Col c) {
            return alias + "." + c.name();
        }

        private String literal(Col c) {
            return c.numeric() ? String.valueOf(random.nextInt(5)) : "'" + (char) ('a' + random.nextInt(3)) + "'";
        }

        /** A condition over the columns of {@code alias}. */
        private String condition(String alias, List<Col> cols) {
            Col c = pick(cols);
            String[] ops = {"=", "<>", "<", "<=", ">", ">="};
            String base = switch (random.nextInt(5)) {
                case 0 -> ref(alias, c) + " IS NULL";
                case 1 -> ref(alias, c) + " IS NOT NULL";
                case 2 -> {
                    Col d = pick(cols);
                    yield d.numeric() == c.numeric() ? ref(alias, c) + " " + ops[random.nextInt(ops.length)] + " "
                            + ref(alias, d) : ref(alias, c) + " IS NOT NULL";
                }
                default -> ref(alias, c) + " " + ops[random.nextInt(ops.length)] + " " + literal(c);
            };
            return switch (random.nextInt(5)) {
                case 0 -> "(" + base + " OR " + condition(alias, cols) + ")";
                case 1 -> "(" + base + " AND " + condition(alias, cols) + ")";
                case 2 -> "NOT (" + base + ")";
                default -> base;
            };
        }

        /** Projects 1..3 columns or expressions of {@code alias} as c0, c1, ... */
        private Source project(String prefix, String alias, List<Col> cols, String rest) {
            int n = 1 + random.nextInt(Math.min(3, cols.size()));
            List<String> items = new ArrayList<>();
            List<Col> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Col c = pick(cols);
                String e = ref(alias, c);
                if (c.numeric() && random.nextInt(4) == 0) {
                    e = e + " + " + random.nextInt(3);
                } else if (!c.numeric() && random.nextInt(4) == 0) {
                    e = "COALESCE(" + e + ", 'z')";
                }
                items.add(e + " AS c" + i);
                out.add(new Col("c" + i, c.type()));
            }
            return new Source(prefix + String.join(", ", items) + rest, out);
        }

        private Source filterProject(int depth) {
            Source src = from(depth);
            String a = alias();
            String where = random.nextBoolean() ? " WHERE " + condition(a, src.cols()) : "";
            return project("SELECT ", a, src.cols(), " FROM " + src.sql() + " AS " + a + where);
        }

        private Source distinct(int depth) {
            Source src = from(depth);
            String a = alias();
            return project("SELECT DISTINCT ", a, src.cols(), " FROM " + src.sql() + " AS " + a);
        }

        private Source aggregate(int depth, boolean rollup) {
            Source src = from(depth);
            String a = alias();
            List<String> items = new ArrayList<>();
            List<Col> out = new ArrayList<>();
            List<String> groups = new ArrayList<>();
            int g = random.nextInt(rollup ? 2 : 3) + (rollup ? 1 : 0);
            for (int i = 0; i < g; i++) {
                Col c = pick(src.cols());
                if (groups.contains(ref(a, c))) {
                    continue;
                }
                groups.add(ref(a, c));
                items.add(ref(a, c) + " AS c" + out.size());
                out.add(new Col("c" + out.size(), c.type()));
            }
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                Col c = pick(src.cols());
                Col num = pickNumeric(src.cols());
                String agg;
                String type = "BIGINT";
                switch (random.nextInt(9)) {
                    case 0 -> agg = "COUNT(*)";
                    case 1 -> agg = "COUNT(" + ref(a, c) + ")";
                    case 2 -> agg = "COUNT(DISTINCT " + ref(a, c) + ")";
                    case 3 -> {
                        agg = "MIN(" + ref(a, c) + ")";
                        type = c.type();
                    }
                    case 4 -> {
                        agg = "MAX(" + ref(a, c) + ")";
                        type = c.type();
                    }
                    case 5 -> agg = num == null ? "COUNT(*)" : "SUM(" + ref(a, num) + ")";
                    case 6 -> agg = num == null ? "COUNT(*)" : "SUM(DISTINCT " + ref(a, num) + ")";
                    case 7 -> {
                        agg = num == null ? "COUNT(*)" : "AVG(CAST(" + ref(a, num) + " AS DOUBLE))";
                        type = "DOUBLE";
                    }
                    default -> agg = num == null ? "COUNT(*)"
                            : "SUM(" + ref(a, num) + ") FILTER (WHERE " + ref(a, num) + " > 1)";
                }
                items.add(agg + " AS c" + out.size());
                out.add(new Col("c" + out.size(), type));
            }
            String where = random.nextInt(3) == 0 ? " WHERE " + condition(a, src.cols()) : "";
            String group = groups.isEmpty() ? "" : rollup ? " GROUP BY ROLLUP(" + String.join(", ", groups) + ")"
                    : " GROUP BY " + String.join(", ", groups);
            String having = !rollup && random.nextInt(3) == 0 ? " HAVING COUNT(*) > 1" : "";
            return new Source("SELECT " + String.join(", ", items) + " FROM " + src.sql() + " AS " + a + where + group
                    + having, out);
        }

        private Source join(int depth) {
            String[] kinds = {"JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN"};
            int inputs = 2 + (random.nextInt(3) == 0 ? 1 : 0);
            List<String> aliasList = new ArrayList<>();
            List<Source> sources = new ArrayList<>();
            StringBuilder from = new StringBuilder();
            for (int i = 0; i < inputs; i++) {
                Source src = from(depth - 1 < 0 ? 0 : depth - 1);
                String a = alias();
                aliasList.add(a);
                sources.add(src);
                if (i == 0) {
                    from.append(src.sql()).append(" AS ").append(a);
                    continue;
                }
                int other = random.nextInt(i);
                String oa = aliasList.get(other);
                Col left = sources.get(other).cols().get(0);
                Col right = src.cols().get(0);
                List<String> conds = new ArrayList<>();
                if (left.numeric() == right.numeric() && random.nextInt(5) != 0) {
                    conds.add(ref(oa, left) + " = " + ref(a, right));
                }
                if (conds.isEmpty() || random.nextInt(3) == 0) {
                    Col l = pick(sources.get(other).cols());
                    Col r = pick(src.cols());
                    conds.add(l.numeric() == r.numeric() ? ref(oa, l) + " < " + ref(a, r) : ref(a, r) + " IS NULL");
                }
                from.append(' ').append(kinds[random.nextInt(kinds.length)]).append(' ').append(src.sql())
                        .append(" AS ").append(a).append(" ON ").append(String.join(" AND ", conds));
            }
            List<String> items = new ArrayList<>();
            List<Col> out = new ArrayList<>();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                int s = random.nextInt(inputs);
                Col c = pick(sources.get(s).cols());
                items.add(ref(aliasList.get(s), c) + " AS c" + i);
                out.add(new Col("c" + i, c.type()));
            }
            String where = random.nextInt(4) == 0 ? " WHERE " + condition(aliasList.get(0), sources.get(0).cols()) : "";
            return new Source("SELECT " + String.join(", ", items) + " FROM " + from + where, out);
        }

        private Source setOp(int depth) {
            Source left = filterProject(depth - 1);
            // the right side projects columns of the same kinds as the left one
            Source src = from(depth - 1);
            String a = alias();
            List<String> items = new ArrayList<>();
            for (int i = 0; i < left.cols().size(); i++) {
                Col want = left.cols().get(i);
                // the same type, not just the same kind: CAST(2.5 AS INT) rounds in DuckDB and truncates in Sluice
                List<Col> same = src.cols().stream().filter(c -> c.type().equals(want.type())).toList();
                String e = same.isEmpty() ? literal(want) : ref(a, same.get(random.nextInt(same.size())));
                items.add("CAST(" + e + " AS " + want.type() + ") AS c" + i);
            }
            String right = "SELECT " + String.join(", ", items) + " FROM " + src.sql() + " AS " + a;
            String[] ops = {"UNION", "UNION ALL", "EXCEPT", "INTERSECT", "EXCEPT ALL", "INTERSECT ALL"};
            return new Source(left.sql() + " " + ops[random.nextInt(ops.length)] + " " + right, left.cols());
        }

        private Source inSubquery(int depth) {
            Source src = from(depth - 1);
            String a = alias();
            Col c = pick(src.cols());
            Table t = tables.get(random.nextInt(tables.size()));
            String b = alias();
            List<Col> same = t.cols().stream().filter(x -> x.numeric() == c.numeric()).toList();
            if (same.isEmpty()) {
                return filterProject(depth);
            }
            Col d = same.get(random.nextInt(same.size()));
            String inner = "SELECT " + ref(b, d) + " FROM " + t.name() + " AS " + b
                    + (random.nextBoolean() ? " WHERE " + condition(b, t.cols()) : "");
            String not = random.nextBoolean() ? " NOT" : "";
            return project("SELECT ", a, src.cols(), " FROM " + src.sql() + " AS " + a + " WHERE " + ref(a, c) + not
                    + " IN (" + inner + ")");
        }

        private Source existsSubquery(int depth) {
            Source src = from(depth - 1);
            String a = alias();
            Table t = tables.get(random.nextInt(tables.size()));
            String b = alias();
            Col c = src.cols().get(0);
            Col d = t.cols().get(0);
            // correlated comparisons of different types hit a planner limitation that Sluice refuses
            String correlation = c.type().equals(d.type()) ? ref(b, d) + " = " + ref(a, c)
                    : ref(b, d) + " IS NOT NULL";
            String extra = random.nextBoolean() ? " AND " + condition(b, t.cols()) : "";
            String not = random.nextBoolean() ? "NOT " : "";
            return project("SELECT ", a, src.cols(), " FROM " + src.sql() + " AS " + a + " WHERE " + not
                    + "EXISTS (SELECT 1 FROM " + t.name() + " AS " + b + " WHERE " + correlation + extra + ")");
        }

        private Source scalarSubquery(int depth) {
            Source src = from(depth - 1);
            String a = alias();
            Table t = tables.get(random.nextInt(tables.size()));
            String b = alias();
            Col c = src.cols().get(0);
            Col d = t.cols().get(0);
            String correlated = random.nextBoolean() && c.type().equals(d.type())
                    ? " WHERE " + ref(b, d) + " = " + ref(a, c) : "";
            Col m = pickNumeric(t.cols());
            String sub = "(SELECT " + (random.nextBoolean() ? "COUNT(*)" : "MAX(" + ref(b, m) + ")") + " FROM "
                    + t.name() + " AS " + b + correlated + ")";
            Col n = pickNumeric(src.cols());
            if (n == null || random.nextBoolean()) {
                Col o = pick(src.cols());
                return new Source("SELECT " + ref(a, o) + " AS c0, " + sub + " AS c1 FROM " + src.sql() + " AS " + a,
                        List.of(new Col("c0", o.type()), new Col("c1", "BIGINT")));
            }
            return project("SELECT ", a, src.cols(), " FROM " + src.sql() + " AS " + a + " WHERE " + ref(a, n)
                    + " >= " + sub);
        }

        /** ORDER BY every output column (so ties are equal rows) ... LIMIT k [OFFSET o]. */
        private Source topK(int depth) {
            Source inner = filterProject(depth - 1);
            List<String> order = new ArrayList<>();
            for (Col c : inner.cols()) {
                order.add(c.name() + (random.nextBoolean() ? " DESC" : "") + (random.nextBoolean() ? " NULLS FIRST"
                        : " NULLS LAST"));
            }
            String offset = random.nextInt(3) == 0 ? " OFFSET " + random.nextInt(3) : "";
            String a = alias();
            List<String> items = new ArrayList<>();
            for (Col c : inner.cols()) {
                items.add(a + "." + c.name() + " AS " + c.name());
            }
            return new Source("SELECT " + String.join(", ", items) + " FROM (" + inner.sql() + ") AS " + a
                    + " ORDER BY " + String.join(", ", order) + " LIMIT " + (1 + random.nextInt(4)) + offset,
                    inner.cols());
        }

        private Source windowTopK(int depth) {
            Source src = from(depth - 1);
            String a = alias();
            String[] functions = {"ROW_NUMBER()", "RANK()", "DENSE_RANK()"};
            Col p = pick(src.cols());
            List<String> order = new ArrayList<>();
            List<String> items = new ArrayList<>();
            List<Col> out = new ArrayList<>();
            for (int i = 0; i < src.cols().size(); i++) {
                Col c = src.cols().get(i);
                order.add(ref(a, c) + (random.nextBoolean() ? " DESC" : "") + " NULLS LAST");
                items.add(ref(a, c) + " AS c" + i);
                out.add(new Col("c" + i, c.type()));
            }
            String rank = "c" + out.size();
            String w = alias();
            List<String> outer = new ArrayList<>();
            for (Col c : out) {
                outer.add(w + "." + c.name() + " AS " + c.name());
            }
            outer.add(w + "." + rank + " AS " + rank);
            List<Col> cols = new ArrayList<>(out);
            cols.add(new Col(rank, "BIGINT"));
            return new Source("SELECT " + String.join(", ", outer) + " FROM (SELECT " + String.join(", ", items) + ", "
                    + functions[random.nextInt(3)] + " OVER (PARTITION BY " + ref(a, p) + " ORDER BY "
                    + String.join(", ", order) + ") AS " + rank + " FROM " + src.sql() + " AS " + a + ") AS " + w
                    + " WHERE " + w + "." + rank + " <= " + (1 + random.nextInt(3)), cols);
        }
    }
}
