package io.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Incremental == recompute: after every step, the integral of each view's output deltas equals
 * H2's answer to the same SELECT over the same table contents, compared as multisets.
 */
class DifferentialTest {
    private static final String TABLES = """
            CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR(10), region VARCHAR(5));
            CREATE TABLE orders (oid INT, cust INT, amount INT, price DECIMAL(8, 2));
            CREATE TABLE items (oid INT, qty BIGINT);
            """;

    private static final Map<String, String> VIEWS = new LinkedHashMap<>();

    static {
        VIEWS.put("big_orders", "SELECT oid, cust, amount * 2 AS twice, price + 1 AS p1, "
                + "CASE WHEN amount IS NULL THEN 'none' WHEN amount > 5 THEN 'many' ELSE 'some' END AS tag "
                + "FROM orders WHERE amount > 3 OR price IS NULL");
        VIEWS.put("joined", "SELECT o.oid, c.name, o.amount, c.region FROM orders o JOIN customers c "
                + "ON o.cust = c.id AND (o.amount IS NULL OR o.amount <> c.id)");
        VIEWS.put("per_region", "SELECT region, COUNT(*) AS n, COUNT(amount) AS na, SUM(amount) AS total "
                + "FROM joined GROUP BY region");
        VIEWS.put("totals", "SELECT COUNT(*) AS n, SUM(price) AS sp, SUM(amount) AS sa FROM orders");
        VIEWS.put("qty_by_name", "SELECT c.name, SUM(i.qty) AS q, COUNT(*) AS n FROM items i "
                + "JOIN orders o ON i.oid = o.oid JOIN customers c ON c.id = o.cust "
                + "GROUP BY c.name HAVING COUNT(*) > 1");
        VIEWS.put("labels", "SELECT UPPER(name) || '-' || COALESCE(region, '?') AS label, id, id * 10 + 1 AS k "
                + "FROM customers WHERE name IS NOT NULL AND NOT (region = 'zz')");
        VIEWS.put("numeric_functions", "SELECT oid, ABS(amount - 5) AS a, MOD(amount, 3) AS m, NULLIF(cust, 2) AS nc, "
                + "amount BETWEEN 1 AND 4 AS btw, cust IN (1, 3) AS inl, cust NOT IN (0, 4) AS ninl, FLOOR(price) AS fp, "
                + "CEIL(price) AS cp, ROUND(price, 1) AS rp, ABS(price) AS ap, CAST(amount AS DECIMAL(6, 1)) / 4 AS q "
                + "FROM orders WHERE amount IS DISTINCT FROM 6");
        VIEWS.put("string_functions", "SELECT id, SUBSTRING(name FROM 2 FOR 2) AS s, REPLACE(name, 'n', 'N') AS r, "
                + "CHAR_LENGTH(name) AS l, name LIKE '%n%' AS lk, name NOT LIKE '_o_' AS nlk, TRIM(BOTH 'a' FROM name) AS t, "
                + "LOWER(UPPER(region)) AS lr, CAST(id AS VARCHAR) || COALESCE(region, '') AS k FROM customers");
        VIEWS.put("sub", "SELECT s.cust, s.n FROM (SELECT cust, COUNT(*) AS n FROM orders "
                + "WHERE cust IS NOT NULL GROUP BY cust) AS s WHERE s.n >= 2");
    }

    private static final String[] NAMES = {"ann", "bob", "cy", null};
    private static final String[] REGIONS = {"eu", "us", "zz", null};

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void incrementalEqualsRecompute(long seed) throws SQLException {
        StringBuilder program = new StringBuilder(TABLES);
        VIEWS.forEach((name, query) -> program.append("CREATE VIEW ").append(name).append(" AS ").append(query)
                .append(";\n"));
        CompiledProgram compiled = SqlCompiler.compile(program.toString());
        Circuit circuit = compiled.newCircuit();
        Random random = new Random(seed);
        Map<Integer, Row> customers = new LinkedHashMap<>();
        List<Row> orders = new ArrayList<>();
        List<Row> items = new ArrayList<>();
        Map<String, Map<Row, Long>> integrals = new HashMap<>();
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:diff" + seed)) {
            try (Statement s = h2.createStatement()) {
                s.execute("CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR(10), region VARCHAR(5))");
                s.execute("CREATE TABLE orders (oid INT, cust INT, amount INT, price DECIMAL(8, 2))");
                s.execute("CREATE TABLE items (oid INT, qty BIGINT)");
                for (Map.Entry<String, String> v : VIEWS.entrySet()) {
                    s.execute("CREATE VIEW " + v.getKey() + " AS " + v.getValue());
                }
            }
            for (int step = 0; step < 30; step++) {
                int changes = 1 + random.nextInt(6);
                for (int c = 0; c < changes; c++) {
                    change(random, circuit, customers, orders, items);
                }
                Map<String, Batch> deltas = circuit.step();
                reload(h2, customers, orders, items);
                for (String view : VIEWS.keySet()) {
                    Map<Row, Long> integral = integrals.computeIfAbsent(view, k -> new HashMap<>());
                    Batch delta = deltas.get(view);
                    for (int i = 0; i < delta.size(); i++) {
                        integral.merge(delta.key(i), delta.weight(i), Long::sum);
                    }
                    integral.values().removeIf(w -> w == 0);
                    assertThat(normalize(integral)).as("seed %s step %s view %s", seed, step, view)
                            .isEqualTo(query(h2, "SELECT * FROM " + view));
                }
            }
        }
    }

    private static void change(Random random, Circuit circuit, Map<Integer, Row> customers, List<Row> orders,
            List<Row> items) {
        int table = random.nextInt(3);
        boolean delete = random.nextInt(3) == 0;
        if (table == 0) {
            int id = random.nextInt(6);
            if (delete) {
                circuit.append("customers", Row.of(id, null, null), -1);
                customers.remove(id);
            } else {
                Row row = Row.of(id, pick(random, NAMES), pick(random, REGIONS));
                circuit.append("customers", row, 1);
                customers.put(id, row);
            }
        } else {
            List<Row> rows = table == 1 ? orders : items;
            String name = table == 1 ? "orders" : "items";
            if (delete && !rows.isEmpty()) {
                Row row = rows.remove(random.nextInt(rows.size()));
                circuit.append(name, row, -1);
            } else {
                Row row = table == 1
                        ? Row.of(random.nextInt(5), maybe(random, random.nextInt(7)), maybe(random, random.nextInt(11) - 2),
                                maybe(random, BigDecimal.valueOf(random.nextInt(2000) - 500, 2)))
                        : Row.of(maybe(random, random.nextInt(5)), maybe(random, (long) random.nextInt(4)));
                circuit.append(name, row, 1);
                rows.add(row);
            }
        }
    }

    private static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }

    private static Object maybe(Random random, Object value) {
        return random.nextInt(5) == 0 ? null : value;
    }

    private static void reload(Connection h2, Map<Integer, Row> customers, List<Row> orders, List<Row> items)
            throws SQLException {
        reload(h2, "customers", new ArrayList<>(customers.values()), 3);
        reload(h2, "orders", orders, 4);
        reload(h2, "items", items, 2);
    }

    private static void reload(Connection h2, String table, List<Row> rows, int arity) throws SQLException {
        try (Statement s = h2.createStatement()) {
            s.execute("DELETE FROM " + table);
        }
        String marks = String.join(", ", java.util.Collections.nCopies(arity, "?"));
        try (PreparedStatement insert = h2.prepareStatement("INSERT INTO " + table + " VALUES (" + marks + ")")) {
            for (Row row : rows) {
                for (int i = 0; i < arity; i++) {
                    insert.setObject(i + 1, row.get(i));
                }
                insert.executeUpdate();
            }
        }
    }

    private static Map<List<Object>, Long> query(Connection h2, String sql) throws SQLException {
        Map<List<Object>, Long> out = new HashMap<>();
        try (Statement s = h2.createStatement(); ResultSet rs = s.executeQuery(sql)) {
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

    private static Object normalizeValue(Object v) {
        if (v instanceof Number n && !(v instanceof Double)) {
            BigDecimal d = new BigDecimal(n.toString()).stripTrailingZeros();
            return d.signum() == 0 ? BigDecimal.ZERO : d;
        }
        return v;
    }
}
