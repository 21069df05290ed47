package io.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.sql.ColumnType.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlCompilerTest {
    private static final String PROGRAM = """
            -- orders and customers
            CREATE TABLE customers (
                id BIGINT NOT NULL PRIMARY KEY,
                name VARCHAR(20),
                "Region" CHAR(3)
            ) WITH ('materialized' = 'true', 'connectors' = '[]');
            CREATE TABLE orders (id INT, customer BIGINT, amount DECIMAL(10, 2), ts TIMESTAMP, ok BOOLEAN,
                qty SMALLINT, price DOUBLE, PRIMARY KEY (id));
            /* a view; PRIMARY KEY in a comment is not touched */
            CREATE VIEW big AS SELECT id, amount * 2 AS twice FROM orders WHERE amount > 10;
            CREATE MATERIALIZED VIEW per_customer AS
                SELECT c.name, COUNT(*) AS n, SUM(o.amount) AS total
                FROM orders o JOIN customers c ON o.customer = c.id
                GROUP BY c.name;
            CREATE VIEW Again AS SELECT * FROM big;
            """;

    @Test
    void compile_tablesAndViews() {
        CompiledProgram p = SqlCompiler.compile(PROGRAM);
        assertThat(p.tables()).extracting(Relation::name).containsExactly("customers", "orders");
        assertThat(p.views()).extracting(Relation::name).containsExactly("big", "per_customer", "again");
        Relation customers = p.table("CUSTOMERS").orElseThrow();
        assertThat(customers.primaryKey()).containsExactly(0);
        assertThat(customers.materialized()).isTrue();
        assertThat(customers.columns()).containsExactly(
                new Column("id", ColumnType.of(Kind.BIGINT), false),
                new Column("name", new ColumnType(Kind.VARCHAR, 20, 0), true),
                new Column("Region", new ColumnType(Kind.CHAR, 3, 0), true));
        assertThat(p.tableProperties("customers")).containsEntry("connectors", "[]");
        Relation orders = p.table("orders").orElseThrow();
        assertThat(orders.primaryKey()).containsExactly(0);
        assertThat(orders.materialized()).isFalse();
        assertThat(orders.columns().get(0).nullable()).isFalse();
        assertThat(orders.columns().get(2).type()).isEqualTo(new ColumnType(Kind.DECIMAL, 10, 2));
        Relation perCustomer = p.view("per_customer").orElseThrow();
        assertThat(perCustomer.materialized()).isTrue();
        assertThat(perCustomer.columns()).extracting(Column::name).containsExactly("name", "n", "total");
        assertThat(perCustomer.columns().get(1)).isEqualTo(new Column("n", ColumnType.of(Kind.BIGINT), false));
        assertThat(p.view("big").orElseThrow().materialized()).isFalse();
        assertThat(p.view("Again")).isPresent();
        assertThat(p.view("\"again\"")).isPresent();
        assertThat(p.view("\"Again\"")).isEmpty();
        assertThat(p.programText()).isEqualTo(PROGRAM);
    }

    @Test
    void quotedNames_keepTheirCase() {
        CompiledProgram p = SqlCompiler.compile("CREATE TABLE \"T\" (x INT); CREATE VIEW \"V\" AS SELECT \"x\" FROM \"T\";");
        assertThat(p.tables()).extracting(Relation::name).containsExactly("T");
        assertThat(p.table("\"T\"")).isPresent();
        assertThat(p.table("\"t\"")).isEmpty();
        assertThat(p.view("v")).isPresent();
    }

    @Test
    void unknownColumn_isReportedWithItsPosition() {
        assertError("CREATE TABLE t (a INT);\nCREATE VIEW v AS\n  SELECT a, nosuch FROM t;", 3, 13, "nosuch");
    }

    @Test
    void unknownTable_isReportedWithItsPosition() {
        assertError("CREATE TABLE t (a INT);\nCREATE VIEW v AS SELECT a FROM missing;", 2, 32, "missing");
    }

    @Test
    void syntaxError_isReportedWithItsPosition() {
        assertError("CREATE TABLE t (a INT);\nCREATE VIEW v AS SELECT a FROM t WHERE;", 2, 39, ";");
    }

    @Test
    void unsupportedConstructs_areRefusedWithTheirPosition() {
        String t = "CREATE TABLE t (a INT, b INT);\n";
        assertError(t + "CREATE VIEW v AS SELECT INITCAP(a) FROM t;", 2, 25, "INITCAP");
        assertError(t + "CREATE VIEW v AS SELECT t.a FROM t LEFT JOIN t AS u ON t.a = u.a AND t.b < u.b + "
                + "EXTRACT(HOUR FROM NOW());", 2, 18, "not in an outer join condition");
        assertError("CREATE TABLE t (a GEOMETRY);", 1, 19, "GEOMETRY");
        assertError("CREATE TABLE t (a INT MULTISET);", 1, 19, "MULTISET");
        assertError(t + "CREATE VIEW v AS SELECT a, STDDEV_POP(b) OVER (ORDER BY a) FROM t;", 2, 28, "window function STDDEV_POP");
        assertError(t + "CREATE VIEW v AS SELECT a, ROW_NUMBER() OVER (ORDER BY b) FROM t;", 2, 18, "WHERE rn <= k");
        assertError(t + "CREATE VIEW v AS SELECT GROUP_ID() FROM t GROUP BY a;", 2, 25, "GROUP_ID");
    }

    @Test
    void localView_isReadByOtherViewsButIsNotAnOutput() {
        CompiledProgram p = SqlCompiler.compile("CREATE TABLE t (a INT);\n"
                + "CREATE LOCAL VIEW l AS SELECT a FROM t;\nCREATE VIEW v AS SELECT a FROM l;");
        assertThat(p.views()).extracting(Relation::name).containsExactly("v");
        assertThat(p.localViews()).extracting(Relation::name).containsExactly("l");
        assertThat(p.newCircuit().step()).containsOnlyKeys("v");
    }

    @Test
    void duplicateNames_areRefused() {
        assertError("CREATE TABLE t (a INT);\nCREATE VIEW t AS SELECT a FROM t;", 2, 13, "already exists");
        assertError("CREATE TABLE t (a INT, a INT);", 1, 24, "duplicate column");
    }

    @Test
    void primaryKey_onAnUnknownColumnIsRefused() {
        assertError("CREATE TABLE t (a INT, PRIMARY KEY (b));", 1, 37, "'b'");
    }

    @Test
    void adHocQuery_isCheckedAgainstTheProgram() {
        CompiledProgram p = SqlCompiler.compile(PROGRAM);
        AdHocQuery q = p.compileQuery("SELECT name, total FROM per_customer ORDER BY total DESC LIMIT 3");
        assertThat(q.relations()).containsExactly("per_customer");
        assertThat(q.columns()).extracting(Column::name).containsExactly("name", "total");
        assertThatThrownBy(() -> p.compileQuery("SELECT * FROM big"))
                .isInstanceOf(SqlCompileException.class)
                .hasMessageContaining("line 1, column 15")
                .hasMessageContaining("not materialized");
        assertThatThrownBy(() -> p.compileQuery("SELECT nope FROM customers"))
                .isInstanceOf(SqlCompileException.class)
                .hasMessageContaining("line 1, column 8");
    }

    static void assertError(String program, int line, int column, String fragment) {
        assertThatThrownBy(() -> SqlCompiler.compile(program))
                .isInstanceOfSatisfying(SqlCompileException.class, e -> {
                    assertThat(e.getMessage()).containsIgnoringCase(fragment);
                    assertThat(List.of(e.line(), e.column())).as(e.getMessage()).containsExactly(line, column);
                });
    }
}
