package io.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** NOW() and the other clock functions, with the clock input driven by hand. */
class ClockTest {
    private static final String PROGRAM = """
            CREATE TABLE events (id INT, ts TIMESTAMP);
            CREATE MATERIALIZED VIEW recent AS SELECT * FROM events WHERE ts > NOW() - INTERVAL '1' HOUR;
            CREATE VIEW stamped AS SELECT id, CURRENT_DATE AS d, LOCALTIMESTAMP AS t FROM events;
            CREATE VIEW counts AS SELECT COUNT(*) AS n FROM events HAVING MAX(ts) > CURRENT_TIMESTAMP;
            """;

    private static LocalDateTime at(int hour, int minute) {
        return LocalDateTime.of(2024, 3, 1, hour, minute);
    }

    /** Replaces the clock's row: the step's delta of the clock input. */
    private static void tick(Circuit circuit, LocalDateTime previous, LocalDateTime now) {
        if (previous != null) {
            circuit.append(CompiledProgram.CLOCK_INPUT, Row.of(previous), -1);
        }
        circuit.append(CompiledProgram.CLOCK_INPUT, Row.of(now), 1);
    }

    @Test
    void program_withNow_hasTheClockInput() {
        CompiledProgram program = SqlCompiler.compile(PROGRAM);
        assertThat(program.usesClock()).isTrue();
        assertThat(program.tables()).extracting(Relation::name).containsExactly("events");
        assertThat(program.newCircuit().inputNames()).containsExactlyInAnyOrder("events", "now");
        CompiledProgram plain = SqlCompiler.compile("CREATE TABLE t (a INT); CREATE VIEW v AS SELECT a FROM t;");
        assertThat(plain.usesClock()).isFalse();
        assertThat(plain.newCircuit().inputNames()).containsExactly("t");
    }

    @Test
    void rowsLeaveATemporalFilter_asTheClockAdvances() {
        Circuit circuit = SqlCompiler.compile(PROGRAM).newCircuit();
        tick(circuit, null, at(10, 0));
        circuit.append("events", Row.of(1, at(9, 30)), 1);
        circuit.append("events", Row.of(2, at(8, 0)), 1);
        circuit.append("events", Row.of(3, at(10, 20)), 1);
        Map<String, Batch> out = circuit.step();
        assertThat(out.get("recent")).isEqualTo(Batch.builder().add(Row.of(1, at(9, 30)), 1)
                .add(Row.of(3, at(10, 20)), 1).build());

        tick(circuit, at(10, 0), at(10, 45));
        out = circuit.step();
        assertThat(out.get("recent")).isEqualTo(Batch.builder().add(Row.of(1, at(9, 30)), -1).build());
        assertThat(circuit.snapshot("recent")).isEqualTo(Batch.builder().add(Row.of(3, at(10, 20)), 1).build());

        // a step without a clock change keeps the clock; a late row that is already too old never shows
        circuit.append("events", Row.of(4, at(9, 0)), 1);
        out = circuit.step();
        assertThat(out.get("recent").isEmpty()).isTrue();

        // time does not have to move forward: the view follows the clock's value
        tick(circuit, at(10, 45), at(9, 30));
        out = circuit.step();
        assertThat(circuit.snapshot("recent")).isEqualTo(Batch.builder().add(Row.of(1, at(9, 30)), 1)
                .add(Row.of(3, at(10, 20)), 1).add(Row.of(4, at(9, 0)), 1).build());
    }

    @Test
    void clockFunctions_inSelectAndHaving() {
        Circuit circuit = SqlCompiler.compile(PROGRAM).newCircuit();
        tick(circuit, null, at(23, 30));
        circuit.append("events", Row.of(1, at(23, 50)), 1);
        Map<String, Batch> out = circuit.step();
        assertThat(out.get("stamped")).isEqualTo(Batch.builder()
                .add(Row.of(1, LocalDate.of(2024, 3, 1), at(23, 30)), 1).build());
        assertThat(out.get("counts")).isEqualTo(Batch.builder().add(Row.of(1L), 1).build());

        tick(circuit, at(23, 30), LocalDateTime.of(2024, 3, 2, 0, 10));
        out = circuit.step();
        assertThat(out.get("stamped")).isEqualTo(Batch.builder()
                .add(Row.of(1, LocalDate.of(2024, 3, 1), at(23, 30)), -1)
                .add(Row.of(1, LocalDate.of(2024, 3, 2), LocalDateTime.of(2024, 3, 2, 0, 10)), 1).build());
        assertThat(out.get("counts")).isEqualTo(Batch.builder().add(Row.of(1L), -1).build());
    }

    @Test
    void clockInAJoinCondition_isMaintainedLikeAFilter() {
        Circuit circuit = SqlCompiler.compile("""
                CREATE TABLE a (id INT, ts TIMESTAMP);
                CREATE TABLE b (id INT, grace INT);
                CREATE VIEW v AS SELECT a.id FROM a JOIN b ON a.id = b.id
                    AND a.ts + b.grace * INTERVAL '1' MINUTE > NOW();
                """).newCircuit();
        tick(circuit, null, at(10, 0));
        circuit.append("a", Row.of(1, at(9, 50)), 1);
        circuit.append("b", Row.of(1, 20), 1);
        assertThat(circuit.step().get("v")).isEqualTo(Batch.builder().add(Row.of(1), 1).build());
        tick(circuit, at(10, 0), at(10, 15));
        assertThat(circuit.step().get("v")).isEqualTo(Batch.builder().add(Row.of(1), -1).build());
    }

    @Test
    void withoutAClockRow_aViewThatReadsTheClockIsEmpty() {
        Circuit circuit = SqlCompiler.compile(PROGRAM).newCircuit();
        circuit.append("events", Row.of(1, at(9, 30)), 1);
        assertThat(circuit.step().get("recent").isEmpty()).isTrue();
    }

    @Test
    void clockName_isReserved_andAdHocQueriesRefuseTheClock() {
        assertThatThrownBy(() -> SqlCompiler.compile("""
                CREATE TABLE now (a INT);
                CREATE VIEW v AS SELECT a FROM now WHERE NOW() > TIMESTAMP '2024-01-01 00:00:00';"""))
                .isInstanceOf(SqlCompileException.class).hasMessageContaining("clock input 'now'");
        assertThatThrownBy(() -> SqlCompiler.compile("""
                CREATE TABLE t (a INT);
                CREATE VIEW v AS SELECT a FROM t WHERE NOW() > TIMESTAMP '2024-01-01 00:00:00';
                CREATE TABLE now (b INT);"""))
                .isInstanceOf(SqlCompileException.class).hasMessageContaining("taken by the clock input");
        CompiledProgram program = SqlCompiler.compile(
                "CREATE TABLE t (a INT) WITH ('materialized' = 'true'); CREATE VIEW v AS SELECT a FROM t;");
        assertThatThrownBy(() -> SqlCompiler.compile(PROGRAM).compileQuery("SELECT * FROM now"))
                .isInstanceOf(SqlCompileException.class).hasMessageContaining("an ad-hoc query cannot read it");
        assertThatThrownBy(() -> program.compileQuery("SELECT a, NOW() AS n FROM t"))
                .isInstanceOf(SqlCompileException.class).hasMessageContaining("not supported in an ad-hoc query");
    }
}
