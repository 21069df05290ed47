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
    void jsonUpdate_setsOnlyTheGivenColumns_andNeedsTheKey() throws Exception {
        ParsedInput p = parse(Map.of("format", "json"), T, """
                {"update": {"id": 1, "name": "b", "ratio": null}}
                {"update": {"name": "no key"}}
                {"update": {"id": 2}, "insert": {"id": 2}}
                """);
        assertThat(p.changes()).hasSize(1);
        Change u = p.changes().get(0);
        assertThat(u.isUpdate()).isTrue();
        assertThat(u.row()).isEqualTo(Row.of(1L, "b", null, null, null, null, null));
        assertThat(u.updated()).containsExactly(0b1000011L); // id, name, ratio
        assertThat(p.errors()).extracting(ParseError::eventNumber).containsExactly(2L, 3L);
        assertThat(p.errors().get(0).description()).contains("id is NOT NULL but is missing");
        assertThat(p.errors().get(1).description()).contains("cannot be combined");

        ParsedInput bag = parse(Map.of("format", "json"), BAG, "{\"update\": {\"x\": 1}}");
        assertThat(bag.changes()).isEmpty();
        assertThat(bag.errors().get(0).description()).contains("needs a table with a primary key");
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
    void jsonLinesSingle_parsesEachLineOnItsOwnAndGoesOnAfterAMalformedLine() throws Exception {
        String body = "{\"insert\": {\"x\": 1}}\n{\"insert\": {\"x\": 2,,\n\n  \r\n{\"insert\": {\"x\": 3}} {\"insert\": {\"x\": 4}}\r\n"
                + "{\"insert\": {\"x\": \"bad\"}}\n{\"insert\": {\"x\": 5}}";
        ParsedInput single = parse(Map.of("format", "json", "lines", "single"), BAG, body);
        assertThat(single.changes()).extracting(Change::row)
                .containsExactly(Row.of(1, null), Row.of(3, null), Row.of(4, null), Row.of(5, null));
        assertThat(single.errors()).extracting(ParseError::eventNumber).containsExactly(2L, 5L);
        assertThat(single.errors().get(0).description()).startsWith("malformed JSON");
        assertThat(single.errors().get(1).description()).contains("column x");
        ParsedInput multiple = parse(Map.of("format", "json", "lines", "multiple"), BAG, body);
        assertThat(multiple.changes()).extracting(Change::row).containsExactly(Row.of(1, null));
        assertThat(multiple.errors()).singleElement().satisfies(e -> assertThat(e.eventNumber()).isEqualTo(2));
    }

    @Test
    void jsonLinesSingle_aValueSpanningLinesIsMalformedOnEachLine() throws Exception {
        ParsedInput p = parse(Map.of("format", "json", "lines", "single", "update_format", "raw"), BAG,
                "{\"x\": 1,\n \"y\": \"a\"}\n{\"x\": 2}\n");
        // Line 1 is cut short; on line 2, "y" is a value that is not a row, and the ':' after it is malformed.
        assertThat(p.changes()).extracting(Change::row).containsExactly(Row.of(2, null));
        assertThat(p.errors()).extracting(ParseError::eventNumber).containsExactly(1L, 2L, 3L);
        assertThat(p.errors()).extracting(ParseError::description).satisfiesExactly(
                d -> assertThat(d).startsWith("malformed JSON"), d -> assertThat(d).contains("expected a row object"),
                d -> assertThat(d).startsWith("malformed JSON"));
        ParsedInput arrays = parse(Map.of("format", "json", "lines", "single", "array", "true"), BAG,
                "[{\"insert\": {\"x\": 1}}, {\"insert\": {\"x\": 2}}]\n[{\"insert\": {\"x\": 3}}, {\"ins\n[{\"insert\": {\"x\": 4}}]\n");
        assertThat(arrays.changes()).extracting(Change::row).containsExactly(Row.of(1, null), Row.of(2, null), Row.of(4, null));
        assertThat(arrays.errors()).extracting(ParseError::eventNumber).containsExactly(3L);
        assertThatThrownBy(() -> InputFormat.fromQuery(Map.of("format", "json", "lines", "many")::get))
                .isInstanceOf(SluiceException.class).hasMessageContaining("lines 'many' is not supported");
    }

    @Test
    void jsonArray_aMalformedArrayKeepsNoneOfItsEvents() throws Exception {
        ParsedInput p = parse(Map.of("format", "json", "array", "true"), BAG,
                "[{\"insert\": {\"x\": 1}}] [{\"insert\": {\"x\": 2}}, {\"insert\": {\"x\": \"no\"}}, {\"insert\": ");
        assertThat(p.changes()).extracting(Change::row).containsExactly(Row.of(1, null));
        assertThat(p.errors()).singleElement().satisfies(e -> {
            assertThat(e.eventNumber()).isEqualTo(2);
            assertThat(e.description()).startsWith("malformed JSON");
        });
    }

    @Test
    void jsonEventsTheStreamingPathDeclines_areDecidedByTheTreePathInOrder() throws Exception {
        ParsedInput p = parse(Map.of("format", "json"), T, """
                {"insert": {"id": 1, "ratio": 2}}
                {"insert": {"id": 2, "id": 3, "ratio": 1e2}}
                {"insert": {"id": 12345678901234567890}}
                {"delete": {"id": 4, "name": 5}}
                {"insert": {"id": 5, "ok": false, "amount": 3.14159, "ts": "2024-02-01T10:00:00+01:00"}, "delete": {"id": 5}}
                {"insert": {"id": 6, "small": 127, "name": "caf\u00e9"}}
                """);
        assertThat(p.changes()).containsExactly(
                new Change(Row.of(1L, null, null, null, null, null, 2.0), 1),
                new Change(Row.of(3L, null, null, null, null, null, 100.0), 1),
                new Change(Row.of(5L, null, null, null, null, null, null), -1),
                new Change(Row.of(5L, null, new BigDecimal("3.14"), null, false, LocalDateTime.of(2024, 2, 1, 9, 0), null), 1),
                new Change(Row.of(6L, "caf\u00e9", null, 127, null, null, null), 1));
        assertThat(p.errors()).extracting(ParseError::eventNumber).containsExactly(3L, 4L);
        assertThat(p.errors().get(0).description()).contains("expected an integer of type BIGINT", "12345678901234567890");
        assertThat(p.errors().get(1).description()).contains("column name: expected a string");
    }

    @Test
    void debezium_ignoresOtherFieldsOfTheEnvelope() throws Exception {
        ParsedInput p = parse(Map.of("format", "json", "update_format", "debezium"), BAG, """
                {"schema": {"type": "struct", "fields": [1, 2]}, "payload": {"op": "u", "source": {"db": "x"},
                 "before": {"x": 1, "y": "a"}, "after": {"x": 1, "y": "b"}, "ts_ms": 5}}
                {"payload": {"before": null, "after": {"x": 2}}, "payload": {"after": {"x": 3}}}
                """);
        assertThat(p.changes()).containsExactly(new Change(Row.of(1, "a"), -1), new Change(Row.of(1, "b"), 1),
                new Change(Row.of(3, null), 1));
        assertThat(p.errors()).isEmpty();
    }

    @Test
    void csv_quotingLineEndsAndUtf8() throws Exception {
        ParsedInput p = parse(Map.of(), BAG, "1,\"say \"\"hi\"\"\"\r\n2,\"two\nlines\"\r3,caf\u00e9\n4,\"\"\n \"5\",x\n6,\"a\"b\n");
        assertThat(p.changes()).extracting(Change::row).containsExactly(Row.of(1, "say \"hi\""), Row.of(2, "two\nlines"),
                Row.of(3, "caf\u00e9"), Row.of(4, ""), Row.of(6, "ab"));
        assertThat(p.errors()).singleElement().satisfies(e -> assertThat(e.eventNumber()).isEqualTo(5));
    }

    @Test
    void csv_malformedInputEndsTheParseAndKeepsWhatCameBefore() throws Exception {
        ParsedInput open = parse(Map.of(), BAG, "1,a\n2,\"unterminated\n3,c\n");
        assertThat(open.changes()).extracting(Change::row).containsExactly(Row.of(1, "a"));
        assertThat(open.errors()).singleElement().satisfies(e -> {
            assertThat(e.eventNumber()).isEqualTo(2);
            assertThat(e.description()).startsWith("malformed CSV");
        });
        byte[] badUtf8 = {'1', ',', 'a', '\n', '2', ',', (byte) 0xC3, (byte) 0x28, '\n', '3', ',', 'c', '\n'};
        ParsedInput bad = InputFormat.fromQuery(Map.<String, String>of()::get).parse(new ByteArrayInputStream(badUtf8), BAG);
        assertThat(bad.changes()).extracting(Change::row).containsExactly(Row.of(1, "a"));
        assertThat(bad.errors()).singleElement().satisfies(e -> assertThat(e.description()).startsWith("malformed CSV"));
    }

    @Test
    void csv_numbersFromBytesAgreeWithTheTextPath() throws Exception {
        ParsedInput p = parse(Map.of(), T, """
                1,,,-128,,,1e3
                +2,,,127,,,-0.5
                003,,,,,,.25
                4,,,,,, 2.5\s
                5,,,,,,NaN
                9223372036854775807,,,,,,1.7976931348623157E308
                -9223372036854775808,,,,,,4.9e-324
                7,,,128,,,
                8,,,,,,1.5x
                """);
        assertThat(p.changes()).extracting(c -> c.row().get(0)).containsExactly(1L, 2L, 3L, 4L, 5L,
                Long.MAX_VALUE, Long.MIN_VALUE);
        assertThat(p.changes()).extracting(c -> c.row().get(6)).containsExactly(1000.0, -0.5, 0.25, 2.5, Double.NaN,
                Double.MAX_VALUE, Double.MIN_VALUE);
        assertThat(p.changes()).extracting(c -> c.row().get(3)).containsExactly(-128, 127, null, null, null, null, null);
        assertThat(p.errors()).extracting(ParseError::eventNumber).containsExactly(8L, 9L);
    }

    @Test
    void fastNumberParsing_matchesTheJdk() {
        java.util.Random random = new java.util.Random(42);
        char[] buf = new char[Numbers.MAX_DOUBLE_CHARS];
        for (String plain : new String[] {"1.", "-.5e-3", "+7E+2", "0.0", "-0", "1e400", "000123.4500"}) {
            byte[] b = plain.getBytes(StandardCharsets.US_ASCII);
            assertThat(Double.doubleToRawLongBits(Numbers.parseDouble(b, 0, b.length, buf))).as(plain)
                    .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(plain)));
        }
        for (String other : new String[] {"", ".", "e3", "1e", "1.2.3", "0x1p3", "Infinity", " 1", "1d"}) {
            byte[] b = other.getBytes(StandardCharsets.US_ASCII);
            assertThat(Numbers.parseDouble(b, 0, b.length, buf)).as(other).isNaN();
        }
        for (String tooBig : new String[] {"9223372036854775808", "-9223372036854775809", "99999999999999999999", "+", "-", "1-2"}) {
            byte[] b = tooBig.getBytes(StandardCharsets.US_ASCII);
            assertThat(Numbers.parseLong(b, 0, b.length)).as(tooBig).isEqualTo(Numbers.NOT_A_LONG);
        }
        for (int i = 0; i < 200_000; i++) {
            double d = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> random.nextDouble() * 1000;
                case 2 -> Math.round(random.nextDouble() * 1e6) / 100.0;
                default -> random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
            };
            String text = i % 8 == 3 ? String.format(java.util.Locale.ROOT, "%.17g", d) : Double.toString(d);
            byte[] b = text.getBytes(StandardCharsets.US_ASCII);
            double fast = Numbers.parseDouble(b, 0, b.length, buf);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                assertThat(fast).as(text).isNaN();
            } else {
                assertThat(Double.doubleToRawLongBits(fast)).as(text).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
            }
            String digits = Long.toString(random.nextLong() >> random.nextInt(64));
            byte[] l = digits.getBytes(StandardCharsets.US_ASCII);
            long x = Numbers.parseLong(l, 0, l.length);
            assertThat(x).as(digits).isEqualTo(Long.parseLong(digits) == Long.MIN_VALUE ? Numbers.NOT_A_LONG : Long.parseLong(digits));
        }
    }

    @Test
    void unsupportedFormats_areInvalidParams() {
        assertThatThrownBy(() -> InputFormat.fromQuery(Map.of("format", "avro")::get))
                .isInstanceOf(SluiceException.class).hasMessageContaining("format 'avro' is not supported");
        assertThatThrownBy(() -> InputFormat.fromQuery(Map.of("format", "json", "update_format", "weighted")::get))
                .hasMessageContaining("update_format 'weighted' is not supported");
    }
}
