package io.sluice.pipeline.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.engine.algebra.Row;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.sql.CompiledProgram;
import io.sluice.sql.Relation;
import io.sluice.sql.SqlCompiler;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputFormatTest {
    private static final CompiledProgram PROGRAM = SqlCompiler.compile("""
            CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR, amount DECIMAL(6, 2), small TINYINT,
                ok BOOLEAN, ts TIMESTAMP, ratio DOUBLE);
            CREATE TABLE bag (x INT NOT NULL, y VARCHAR);
            """);
    private static final Relation T = PROGRAM.table("t").orElseThrow();
    private static final Relation BAG = PROGRAM.table("bag").orElseThrow();

    private static ParsedInput parse(Map<String, String> params, Relation table, String body) throws Exception {
        return InputFormat.fromQuery(params::get).parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), table);
    }

    @Test
    void jsonInsertDelete_parsesEveryTypeAndKeepsOrder() throws Exception {
        ParsedInput p = parse(Map.of("format", "json"), T, """
                {"insert": {"id": 1, "name": "a", "amount": "12.5", "small": -3, "ok": true, "ts": "2024-01-31 12:00:00.25", "ratio": 0.5}}
                {"delete": {"id": 1}, "insert": {"ID": 2, "Amount": 7}}
                """);
        assertThat(p.errors()).isEmpty();
        assertThat(p.changes()).containsExactly(
                new Change(Row.of(1L, "a", new BigDecimal("12.50"), -3, true, LocalDateTime.of(2024, 1, 31, 12, 0, 0, 250_000_000), 0.5), 1),
                new Change(Row.of(1L, null, null, null, null, null, null), -1),
                new Change(Row.of(2L, null, new BigDecimal("7.00"), null, null, null, null), 1));
    }

    @Test
    void jsonErrors_areReportedPerEventAndTheGoodOnesKept() throws Exception {
        ParsedInput p = parse(Map.of("format", "json"), T, """
                {"insert": {"id": "x"}}
                {"insert": {"id": 2, "small": 300}}
                {"insert": {"id": 3, "nope": 1}}
                {"upsert": {"id": 4}}
                {"insert": {"name": "no key"}}
                {"insert": {"id": 5, "amount": 123456.78}}
                {"insert": {"id": 6}}
                """);
        assertThat(p.changes()).containsExactly(new Change(Row.of(6L, null, null, null, null, null, null), 1));
        assertThat(p.errorCount()).isEqualTo(6);
        assertThat(p.errors()).extracting(ParseError::eventNumber).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(p.errors().get(1).description()).contains("out of range for TINYINT");
        assertThat(p.errors().get(2).description()).contains("has no column 'nope'");
        assertThat(p.errors().get(4).description()).contains("id is NOT NULL but is missing");
        assertThat(p.errors().get(5).description()).contains("does not fit DECIMAL(6, 2)");
    }

    @Test
    void malformedJson_stopsTheParseButKeepsWhatCameBefore() throws Exception {
        ParsedInput p = parse(Map.of("format", "json", "update_format", "raw"), BAG, "{\"x\": 1} {\"x\": 2,, ");
        assertThat(p.changes()).containsExactly(new Change(Row.of(1, null), 1));
        assertThat(p.errors()).singleElement().satisfies(e -> assertThat(e.description()).startsWith("malformed JSON"));
    }

    @Test
    void jsonArrayMode_readsArraysOfEvents() throws Exception {
        ParsedInput p = parse(Map.of("format", "json", "array", "true"), BAG,
                "[{\"insert\": {\"x\": 1}}, {\"insert\": {\"x\": 2, \"y\": \"b\"}}]");
        assertThat(p.changes()).extracting(Change::row).containsExactly(Row.of(1, null), Row.of(2, "b"));
    }

    @Test
    void debezium_deletesBeforeAndInsertsAfter() throws Exception {
        ParsedInput p = parse(Map.of("format", "json", "update_format", "debezium"), BAG, """
                {"payload": {"op": "c", "before": null, "after": {"x": 1, "y": "a"}}}
                {"payload": {"op": "u", "before": {"x": 1, "y": "a"}, "after": {"x": 1, "y": "b"}}}
                {"payload": {"op": "d", "before": {"x": 1, "y": "b"}, "after": null}}
                {"payload": {"op": "u", "before": null, "after": null}}
                {"schema": {}}
                """);
        assertThat(p.changes()).containsExactly(
                new Change(Row.of(1, "a"), 1),
                new Change(Row.of(1, "a"), -1), new Change(Row.of(1, "b"), 1),
                new Change(Row.of(1, "b"), -1));
        assertThat(p.errors()).extracting(ParseError::eventNumber).containsExactly(4L, 5L);
    }

    @Test
    void deleteWithoutAKey_needsTheWholeRow() throws Exception {
        ParsedInput p = parse(Map.of("format", "json"), BAG, "{\"delete\": {\"y\": \"only y\"}}");
        assertThat(p.changes()).isEmpty();
        assertThat(p.errors().get(0).description()).contains("x is NOT NULL");
    }

    @Test
    void csv_followsTheFelderaRules() throws Exception {
        ParsedInput p = parse(Map.of(), T, "1,\"a, b\",1.5,,true,2024-01-01T00:00:00Z,NULL,extra\n2,,,,,,\n\n3\nz,1\n");
        assertThat(p.changes()).containsExactly(
                new Change(Row.of(1L, "a, b", new BigDecimal("1.50"), null, true, LocalDateTime.of(2024, 1, 1, 0, 0), null), 1),
                new Change(Row.of(2L, "", null, null, null, null, null), 1),
                new Change(Row.of(3L, null, null, null, null, null, null), 1));
        assertThat(p.errors()).singleElement().satisfies(e -> {
            assertThat(e.eventNumber()).isEqualTo(4);
            assertThat(e.field()).isEqualTo("id");
        });
    }

    @Test
    void unsupportedFormats_areInvalidParams() {
        assertThatThrownBy(() -> InputFormat.fromQuery(Map.of("format", "avro")::get))
                .isInstanceOf(SluiceException.class).hasMessageContaining("format 'avro' is not supported");
        assertThatThrownBy(() -> InputFormat.fromQuery(Map.of("format", "json", "update_format", "weighted")::get))
                .hasMessageContaining("update_format 'weighted' is not supported");
    }
}
