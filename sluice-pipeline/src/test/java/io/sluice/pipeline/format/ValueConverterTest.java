package io.sluice.pipeline.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.engine.algebra.ByteString;
import io.sluice.engine.algebra.Row;
import io.sluice.sql.Column;
import io.sluice.sql.ColumnType;
import io.sluice.sql.ColumnType.Kind;
import java.io.StringWriter;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The input and output forms of the types beyond numbers, strings and timestamps. */
class ValueConverterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ColumnType CHAR4 = new ColumnType(Kind.CHAR, 4, 0);
    private static final ColumnType INTS = ColumnType.arrayOf(ColumnType.of(Kind.INTEGER));

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void json_readsEachNewType() throws Exception {
        assertThat(ValueConverter.fromJson(json("1.5"), ColumnType.of(Kind.REAL))).isEqualTo(1.5f);
        assertThat(ValueConverter.fromJson(json("\"ab\""), CHAR4)).isEqualTo("ab  ");
        assertThat(ValueConverter.fromJson(json("\"2024-02-29\""), ColumnType.of(Kind.DATE)))
                .isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(ValueConverter.fromJson(json("\"12:30:00.25\""), ColumnType.of(Kind.TIME)))
                .isEqualTo(LocalTime.of(12, 30, 0, 250_000_000));
        assertThat(ValueConverter.fromJson(json("[10, 255]"), ColumnType.of(Kind.VARBINARY)))
                .isEqualTo(ByteString.fromHex("0aff"));
        assertThat(ValueConverter.fromJson(json("[1, null, 3]"), INTS)).isEqualTo(Arrays.asList(1, null, 3));
        assertThat(ValueConverter.fromJson(json("null"), INTS)).isNull();
    }

    @Test
    void json_refusesValuesOfTheWrongForm() {
        assertThatThrownBy(() -> ValueConverter.fromJson(json("\"abcdef\""), CHAR4))
                .isInstanceOf(ValueParseException.class).hasMessageContaining("longer than CHAR(4)");
        assertThatThrownBy(() -> ValueConverter.fromJson(json("\"2024-02-30\""), ColumnType.of(Kind.DATE)))
                .isInstanceOf(ValueParseException.class).hasMessageContaining("2024-02-30");
        assertThatThrownBy(() -> ValueConverter.fromJson(json("[256]"), ColumnType.of(Kind.VARBINARY)))
                .isInstanceOf(ValueParseException.class).hasMessageContaining("byte");
        assertThatThrownBy(() -> ValueConverter.fromJson(json("[1, \"x\"]"), INTS))
                .isInstanceOf(ValueParseException.class).hasMessageContaining("integer");
    }

    @Test
    void csv_readsEachNewTypeButArrays() throws Exception {
        assertThat(ValueConverter.fromText("2024-02-29", ColumnType.of(Kind.DATE))).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(ValueConverter.fromText("0aFF", ColumnType.of(Kind.VARBINARY))).isEqualTo(ByteString.fromHex("0aff"));
        assertThat(ValueConverter.fromText("ab", CHAR4)).isEqualTo("ab  ");
        assertThat(ValueConverter.fromText("", ColumnType.of(Kind.TIME))).isNull();
        assertThatThrownBy(() -> ValueConverter.fromText("[1]", INTS)).isInstanceOf(ValueParseException.class)
                .hasMessageContaining("no CSV form");
    }

    @Test
    void jsonOutput_isTheFormInputReadsBack() throws Exception {
        List<Column> columns = List.of(new Column("r", ColumnType.of(Kind.REAL), true),
                new Column("d", ColumnType.of(Kind.DATE), true), new Column("t", ColumnType.of(Kind.TIME), true),
                new Column("b", ColumnType.of(Kind.VARBINARY), true), new Column("a", INTS, true));
        Row row = Row.of(0.5f, LocalDate.of(2024, 1, 31), LocalTime.of(9, 5), ByteString.fromHex("00ff"),
                Arrays.asList(1, null));
        StringWriter out = new StringWriter();
        try (JsonGenerator gen = JSON.getFactory().createGenerator(out)) {
            new RowJsonWriter(columns).write(gen, row);
        }
        assertThat(out.toString()).isEqualTo("{\"r\":0.5,\"d\":\"2024-01-31\",\"t\":\"09:05:00\",\"b\":[0,255],\"a\":[1,null]}");
        JsonNode back = json(out.toString());
        for (int i = 0; i < columns.size(); i++) {
            assertThat(ValueConverter.fromJson(back.get(columns.get(i).name()), columns.get(i).type()))
                    .isEqualTo(row.get(i));
        }
    }
}
