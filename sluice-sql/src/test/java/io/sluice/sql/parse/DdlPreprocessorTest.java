package io.sluice.sql.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DdlPreprocessorTest {
    @Test
    void columnPrimaryKeyAndWith_areBlankedKeepingPositions() {
        String program = "CREATE TABLE t (\n  id INT NOT NULL PRIMARY KEY,\n  \"Name\" VARCHAR\n)"
                + " WITH ('materialized' = 'true',\n 'x' = 'it''s');\nCREATE VIEW v AS SELECT 1;";
        DdlPreprocessor.Result r = DdlPreprocessor.process(program);
        assertThat(r.text()).hasSameSizeAs(program);
        assertThat(r.text().lines().toList()).containsExactly(
                "CREATE TABLE t (",
                "  id INT NOT NULL            ,",
                "  \"Name\" VARCHAR",
                ")" + " ".repeat(31),
                " ".repeat(15) + ";",
                "CREATE VIEW v AS SELECT 1;");
        assertThat(r.tables()).containsExactly(new DdlPreprocessor.TableExtras(List.of("id"),
                Map.of("materialized", "true", "x", "it's")));
    }

    @Test
    void stringsCommentsAndTableKeys_areLeftAlone() {
        String program = "-- CREATE TABLE x (a INT PRIMARY KEY)\n"
                + "CREATE TABLE t (a VARCHAR DEFAULT 'PRIMARY KEY', /* PRIMARY KEY */ b INT, PRIMARY KEY (b));";
        DdlPreprocessor.Result r = DdlPreprocessor.process(program);
        assertThat(r.text()).isEqualTo(program);
        assertThat(r.tables()).containsExactly(new DdlPreprocessor.TableExtras(List.of(), Map.of()));
    }

    @Test
    void quotedColumnName_keepsItsCase() {
        DdlPreprocessor.Result r = DdlPreprocessor.process("create table T (\"Id\" int primary key, b int)");
        assertThat(r.tables().get(0).primaryKeyColumns()).containsExactly("Id");
        assertThat(r.text()).isEqualTo("create table T (\"Id\" int            , b int)");
    }

    @Test
    void viewWith_isBlankedAndKeptPerView() {
        String program = "CREATE TABLE t (a INT);\n"
                + "CREATE VIEW v WITH ('connectors' = '[{\"x\": 1}]') AS SELECT a FROM t;\n"
                + "CREATE MATERIALIZED VIEW w (b) AS WITH c AS (SELECT a FROM t) SELECT a FROM c;";
        DdlPreprocessor.Result r = DdlPreprocessor.process(program);
        assertThat(r.text()).hasSameSizeAs(program);
        String with = "WITH ('connectors' = '[{\"x\": 1}]')";
        assertThat(r.text()).contains("CREATE VIEW v " + " ".repeat(with.length()) + " AS SELECT a FROM t;");
        assertThat(r.text()).contains("AS WITH c AS (SELECT a FROM t)");
        assertThat(r.views()).containsExactly(Map.of("connectors", "[{\"x\": 1}]"), Map.of());
    }

    @Test
    void latenessAndLocal_areBlankedAndRecorded() {
        String program = "CREATE TABLE e (ts TIMESTAMP NOT NULL LATENESS INTERVAL '1' HOUR PRIMARY KEY, v INT);\n"
                + "CREATE LOCAL VIEW l AS SELECT v FROM e;\nCREATE MATERIALIZED VIEW m AS SELECT v FROM l;";
        DdlPreprocessor.Result r = DdlPreprocessor.process(program);
        assertThat(r.text()).hasSameSizeAs(program);
        assertThat(r.text()).startsWith("CREATE TABLE e (ts TIMESTAMP NOT NULL " + " ".repeat(38) + ", v INT);\n"
                + "CREATE       VIEW l");
        DdlPreprocessor.TableExtras extras = r.tables().get(0);
        assertThat(extras.primaryKeyColumns()).containsExactly("ts");
        assertThat(extras.lateness()).containsExactly(Map.entry("ts", new DdlPreprocessor.Lateness("INTERVAL '1' HOUR",
                1, 48)));
        assertThat(r.localViews()).containsExactly(true, false);
    }
}
