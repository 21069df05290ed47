package io.sluice.sql.slt;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.sql.AdHocQuery;
import io.sluice.sql.Column;
import io.sluice.sql.CompiledProgram;
import io.sluice.sql.Relation;
import io.sluice.sql.SqlCompileException;
import io.sluice.sql.SqlCompiler;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a {@link SltScript} against Sluice. The tables live in an H2 database, which carries out the
 * script's statements (CREATE TABLE, INSERT, UPDATE, DELETE, CREATE INDEX, DROP); Sluice only answers
 * the queries. For each query the runner compiles a program with one materialized table per H2 table,
 * the script's views and the query as a materialized view, feeds the tables' rows into a fresh circuit
 * in three steps (half; the rest plus deleting a third of the first half; re-inserting those), and
 * then checks
 * <ol>
 * <li>that the view's contents equal the same query run once, as an ad-hoc query, over the tables'
 *     snapshots (incremental versus one-shot evaluation), and
 * <li>that the result, formatted as sqllogictest does ({@code I} integers, {@code R} {@code %.3f},
 *     {@code T} text, {@code NULL}, {@code (empty)}) and sorted as the record says, equals the values
 *     or the hash SQLite recorded in the script.
 * </ol>
 * A query Sluice refuses at compile time counts as refused; one that fails at run time because of a
 * documented dialect difference ({@link #dialectDifference}) counts as dialect; any other outcome than
 * the right answer is wrong.
 */
public final class SltRunner implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final String VIEW = "slt_query";

    /** What happened to one query. */
    public enum Outcome {
        PASSED, REFUSED, WRONG,
        /**
         * Neither passed nor wrong: Sluice's standard-SQL behaviour differs from SQLite's by a
         * recognised dialect difference, either a run-time failure where SQLite answers (see
         * {@link #dialectDifference}) or an answer that the query, rewritten to ask for SQLite's
         * semantics explicitly, turns into SQLite's (see {@link #dialectRewrite}). Never used for any
         * other difference.
         */
        DIALECT
    }

    /** A query's outcome with what explains it (the refusal, or what differed). */
    public record QueryResult(String file, int line, Outcome outcome, String sql, String detail) {
    }

    private final Connection h2;
    private final List<String> tables = new ArrayList<>();
    private final Map<String, String> views = new LinkedHashMap<>();

    public SltRunner() throws SQLException {
        h2 = DriverManager.getConnection("jdbc:h2:mem:slt" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=0");
    }

    /**
     * Runs every record of {@code script}. A statement H2 cannot carry out although the script expects it
     * to succeed makes the rest of the script's queries meaningless: the run stops there, and
     * {@code setupFailure} says where.
     */
    public List<QueryResult> run(SltScript script, StringBuilder setupFailure) throws SQLException {
        List<QueryResult> results = new ArrayList<>();
        for (SltScript.Record record : script.records()) {
            if (record instanceof SltScript.Statement statement) {
                String failure = execute(statement);
                if (failure != null) {
                    setupFailure.append(script.name()).append(':').append(statement.line()).append(": ")
                            .append(failure);
                    return results;
                }
            } else if (record instanceof SltScript.Query query) {
                results.add(query(script.name(), query));
            } else if (record instanceof SltScript.Halt) {
                break;
            }
        }
        return results;
    }

    private String execute(SltScript.Statement statement) throws SQLException {
        String sql = statement.sql();
        String upper = sql.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        try (Statement s = h2.createStatement()) {
            if (upper.startsWith("CREATE VIEW ")) {
                // Sluice compiles views itself; H2 does not need them for the table contents.
                String rest = sql.strip().substring("CREATE VIEW".length()).strip();
                int as = rest.toUpperCase(Locale.ROOT).indexOf(" AS ");
                views.put(rest.substring(0, as).strip().toLowerCase(Locale.ROOT), rest.substring(as + 4).strip());
                return null;
            }
            if (upper.startsWith("DROP VIEW ")) {
                String name = sql.strip().substring("DROP VIEW".length()).strip();
                name = name.replaceFirst("(?i)^IF EXISTS\\s+", "").toLowerCase(Locale.ROOT);
                boolean existed = views.remove(name) != null;
                return existed || !statement.expectOk() || upper.contains("IF EXISTS") ? null : "no view " + name;
            }
            try {
                s.execute(sql);
            } catch (SQLException e) {
                return statement.expectOk() ? "H2 refused a statement the script expects to succeed: "
                        + e.getMessage() : null;
            }
            if (upper.startsWith("CREATE TABLE ")) {
                String name = sql.strip().substring("CREATE TABLE".length()).strip().split("[\\s(]")[0];
                tables.add(name.toLowerCase(Locale.ROOT));
            } else if (upper.startsWith("DROP TABLE ")) {
                String name = sql.strip().substring("DROP TABLE".length()).strip()
                        .replaceFirst("(?i)^IF EXISTS\\s+", "").toLowerCase(Locale.ROOT);
                tables.remove(name);
            }
            return null;
        }
    }

    private QueryResult query(String file, SltScript.Query query) throws SQLException {
        String sql = query.sql();
        CompiledProgram program;
        AdHocQuery adHoc;
        try {
            program = SqlCompiler.compile(programText(sql));
            adHoc = program.compileQuery(sql);
        } catch (SqlCompileException e) {
            return new QueryResult(file, query.line(), Outcome.REFUSED, sql, e.getMessage());
        } catch (RuntimeException e) {
            return wrong(file, query, "the compiler failed: " + describe(e));
        }
        Batch view;
        List<Row> oneShot;
        try {
            Circuit circuit = program.newCircuit();
            view = feed(circuit, program, new Random(query.line()));
            oneShot = adHoc.run(circuit::snapshot);
        } catch (RuntimeException e) {
            String dialect = dialectDifference(e);
            if (dialect != null) {
                return new QueryResult(file, query.line(), Outcome.DIALECT, sql, dialect);
            }
            return wrong(file, query, "evaluation failed: " + describe(e));
        }
        List<Row> incremental = new ArrayList<>();
        for (int i = 0; i < view.size(); i++) {
            if (view.weight(i) < 0) {
                return wrong(file, query, "the view holds a negative weight for " + view.key(i));
            }
            for (long w = 0; w < view.weight(i); w++) {
                incremental.add(view.key(i));
            }
        }
        List<Row> a = new ArrayList<>(incremental);
        List<Row> b = new ArrayList<>(oneShot);
        Collections.sort(a);
        Collections.sort(b);
        if (!a.equals(b)) {
            return wrong(file, query, "incremental view " + a + " differs from the one-shot query " + b);
        }
        List<String> values = format(oneShot, query.types(), query.sort());
        String mismatch = mismatch(query, values);
        if (mismatch == null) {
            return new QueryResult(file, query.line(), Outcome.PASSED, sql, "");
        }
        String rewritten = dialectRewrite(sql);
        if (rewritten != null) {
            try {
                CompiledProgram p = SqlCompiler.compile(programText(rewritten));
                Circuit c = p.newCircuit();
                feed(c, p, new Random(query.line()));
                List<Row> answer = p.compileQuery(rewritten).run(c::snapshot);
                if (mismatch(query, format(answer, query.types(), query.sort())) == null) {
                    return new QueryResult(file, query.line(), Outcome.DIALECT, sql, "AVG of an integer: SQLite "
                            + "averages in floating point, Sluice keeps the integer type (" + mismatch + ")");
                }
            } catch (RuntimeException e) {
                // not the recognised difference: it stays wrong
            }
        }
        return wrong(file, query, mismatch);
    }

    /** What differs between Sluice's formatted answer and SQLite's, or null when they agree. */
    private static String mismatch(SltScript.Query query, List<String> values) {
        if (query.hashed()) {
            String hash = md5(values);
            if (values.size() != query.hashedCount() || !hash.equals(query.hash())) {
                return "expected " + query.hashedCount() + " values hashing to " + query.hash() + ", got "
                        + values.size() + " values hashing to " + hash + ": " + abbreviate(values);
            }
            return null;
        }
        return values.equals(query.values()) ? null
                : "expected " + abbreviate(query.values()) + ", got " + abbreviate(values);
    }

    private static final Pattern AVG = Pattern.compile("(?i)\\bAVG\\s*\\(\\s*(DISTINCT\\s+|ALL\\s+)?");

    /**
     * The query with SQLite's AVG semantics asked for explicitly: each {@code AVG(x)} becomes
     * {@code AVG(CAST(x AS DOUBLE))}; null when the query has no AVG. SQLite's AVG is always a
     * floating-point value, while standard SQL (Calcite, Feldera, Sluice) keeps an integer
     * argument's type. A query counts as a dialect difference only when this rewrite, and nothing
     * else, makes Sluice's answer SQLite's.
     */
    static String dialectRewrite(String sql) {
        Matcher m = AVG.matcher(sql);
        StringBuilder out = new StringBuilder();
        int from = 0;
        boolean any = false;
        while (m.find(from)) {
            int open = m.end();
            int depth = 1;
            int close = open;
            while (close < sql.length() && depth > 0) {
                char ch = sql.charAt(close);
                if (ch == '(') {
                    depth++;
                } else if (ch == ')') {
                    depth--;
                }
                close++;
            }
            if (depth != 0) {
                return null;
            }
            out.append(sql, from, open).append("CAST(").append(sql, open, close - 1).append(" AS DOUBLE))");
            from = close;
            any = true;
        }
        if (!any) {
            return null;
        }
        return out.append(sql.substring(from)).toString();
    }

    /**
     * The dialect difference a run-time failure comes from, or null when it comes from none. SQLite
     * answers NULL for a division (or modulo) by zero; standard SQL, and Sluice, raise an error.
     */
    static String dialectDifference(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EvaluationException && t.getMessage() != null
                    && t.getMessage().endsWith("division by zero")) {
                return "division by zero: SQLite answers NULL, Sluice raises an error (standard SQL)";
            }
        }
        return null;
    }

    private QueryResult wrong(String file, SltScript.Query query, String detail) {
        return new QueryResult(file, query.line(), Outcome.WRONG, query.sql(), detail);
    }

    private String programText(String query) throws SQLException {
        StringBuilder program = new StringBuilder();
        for (String table : tables) {
            program.append("CREATE TABLE ").append(table).append(" (");
            try (ResultSet rs = h2.getMetaData().getColumns(null, null, table.toUpperCase(Locale.ROOT), null)) {
                String separator = "";
                while (rs.next()) {
                    program.append(separator).append(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT))
                            .append(' ').append(sluiceType(rs.getString("TYPE_NAME"), rs.getInt("COLUMN_SIZE"),
                                    rs.getInt("DECIMAL_DIGITS")));
                    separator = ", ";
                }
            }
            program.append(") WITH ('materialized' = 'true');\n");
        }
        for (Map.Entry<String, String> view : views.entrySet()) {
            program.append("CREATE MATERIALIZED VIEW ").append(view.getKey()).append(" AS ").append(view.getValue()).append(";\n");
        }
        program.append("CREATE MATERIALIZED VIEW ").append(VIEW).append(" AS\n").append(query).append(";\n");
        return program.toString();
    }

    /** SQLite's types as Sluice declares them: its INTEGER is 64 bits, its TEXT a VARCHAR. */
    private static String sluiceType(String h2Type, int size, int digits) {
        return switch (h2Type) {
            case "INTEGER", "BIGINT", "SMALLINT", "TINYINT" -> "BIGINT";
            case "CHARACTER VARYING", "CHARACTER LARGE OBJECT", "CHARACTER", "VARCHAR_IGNORECASE" -> "VARCHAR";
            case "DOUBLE PRECISION", "REAL", "FLOAT", "DECFLOAT" -> "DOUBLE";
            case "NUMERIC", "DECIMAL" -> "DECIMAL(" + size + ", " + digits + ")";
            case "BOOLEAN" -> "BOOLEAN";
            case "TIMESTAMP" -> "TIMESTAMP";
            default -> throw new IllegalStateException("no Sluice type for H2's " + h2Type);
        };
    }

    /** Feeds every table's rows in three steps and returns the view's integrated contents. */
    private Batch feed(Circuit circuit, CompiledProgram program, Random random) throws SQLException {
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        for (String table : tables) {
            Relation relation = program.table(table).orElseThrow();
            rows.put(table, read(table, relation.columns()));
        }
        Batch total = Batch.empty();
        Map<String, List<Row>> retracted = new LinkedHashMap<>();
        for (Map.Entry<String, List<Row>> e : rows.entrySet()) {
            List<Row> all = e.getValue();
            List<Row> again = new ArrayList<>();
            for (int i = 0; i < all.size() / 2; i++) {
                circuit.append(e.getKey(), all.get(i), 1);
                if (random.nextInt(3) == 0) {
                    again.add(all.get(i));
                }
            }
            retracted.put(e.getKey(), again);
        }
        total = total.plus(circuit.step().get(VIEW));
        for (Map.Entry<String, List<Row>> e : rows.entrySet()) {
            List<Row> all = e.getValue();
            for (int i = all.size() / 2; i < all.size(); i++) {
                circuit.append(e.getKey(), all.get(i), 1);
            }
            for (Row r : retracted.get(e.getKey())) {
                circuit.append(e.getKey(), r, -1);
            }
        }
        total = total.plus(circuit.step().get(VIEW));
        for (Map.Entry<String, List<Row>> e : retracted.entrySet()) {
            for (Row r : e.getValue()) {
                circuit.append(e.getKey(), r, 1);
            }
        }
        total = total.plus(circuit.step().get(VIEW));
        Batch snapshot = circuit.snapshot(VIEW);
        if (!snapshot.equals(total)) {
            throw new IllegalStateException("the materialized snapshot " + snapshot + " differs from the sum of the "
                    + "view's changes " + total);
        }
        return total;
    }

    private List<Row> read(String table, List<Column> columns) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Statement s = h2.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            while (rs.next()) {
                Object[] values = new Object[columns.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = value(rs, i + 1, columns.get(i));
                }
                rows.add(Row.wrap(values));
            }
        }
        return rows;
    }

    private static Object value(ResultSet rs, int index, Column column) throws SQLException {
        Object v = switch (column.type().kind()) {
            case BIGINT -> rs.getLong(index);
            case INTEGER -> rs.getInt(index);
            case DOUBLE -> rs.getDouble(index);
            case DECIMAL -> rs.getBigDecimal(index);
            case VARCHAR -> rs.getString(index);
            case BOOLEAN -> rs.getBoolean(index);
            case TIMESTAMP -> rs.getObject(index, LocalDateTime.class);
            default -> throw new IllegalStateException("unexpected column type " + column.type());
        };
        return rs.wasNull() ? null : v;
    }

    /** Formats rows as sqllogictest prints them, in the order the record asks for. */
    static List<String> format(List<Row> rows, String types, SltScript.SortMode sort) {
        List<List<String>> formatted = new ArrayList<>();
        for (Row row : rows) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < row.arity(); i++) {
                values.add(formatValue(row.get(i), i < types.length() ? types.charAt(i) : 'T'));
            }
            formatted.add(values);
        }
        if (sort == SltScript.SortMode.ROWSORT) {
            formatted.sort((x, y) -> {
                for (int i = 0; i < x.size(); i++) {
                    int c = x.get(i).compareTo(y.get(i));
                    if (c != 0) {
                        return c;
                    }
                }
                return 0;
            });
        }
        List<String> values = new ArrayList<>();
        formatted.forEach(values::addAll);
        if (sort == SltScript.SortMode.VALUESORT) {
            Collections.sort(values);
        }
        return values;
    }

    static String formatValue(Object v, char type) {
        if (v == null) {
            return "NULL";
        }
        return switch (type) {
            case 'I' -> integerText(v);
            case 'R' -> String.format(Locale.ROOT, "%.3f", realValue(v));
            default -> text(v);
        };
    }

    private static String integerText(Object v) {
        if (v instanceof Boolean b) {
            return b ? "1" : "0";
        }
        if (v instanceof Double d) {
            return Long.toString(d.longValue());
        }
        if (v instanceof BigDecimal d) {
            return d.toBigInteger().toString();
        }
        if (v instanceof Number n) {
            return Long.toString(n.longValue());
        }
        String s = v.toString().strip();
        int end = 0;
        while (end < s.length() && (Character.isDigit(s.charAt(end)) || (end == 0 && "+-".indexOf(s.charAt(0)) >= 0))) {
            end++;
        }
        try {
            return new BigInteger(s.substring(0, end)).toString();
        } catch (NumberFormatException e) {
            return "0";
        }
    }

    private static double realValue(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString().strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String text(Object v) {
        String s;
        if (v instanceof Boolean b) {
            s = b ? "1" : "0";
        } else if (v instanceof Double d) {
            s = d == Math.rint(d) && !Double.isInfinite(d) ? String.format(Locale.ROOT, "%.1f", d) : d.toString();
        } else {
            s = v.toString();
        }
        if (s.isEmpty()) {
            return "(empty)";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            out.append(c < ' ' || c > '~' ? '@' : c);
        }
        return out.toString();
    }

    static String md5(List<String> values) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            for (String v : values) {
                md5.update(v.getBytes(StandardCharsets.UTF_8));
                md5.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(List<String> values) {
        return values.size() <= 12 ? values.toString()
                : values.subList(0, 12) + "... (" + values.size() + " values)";
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public void close() throws SQLException {
        h2.close();
    }
}
