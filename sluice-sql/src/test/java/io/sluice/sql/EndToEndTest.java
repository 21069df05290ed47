package io.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.OperatorState;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndToEndTest {
    private static final String PROGRAM = """
            CREATE TABLE p (id INT NOT NULL PRIMARY KEY, name VARCHAR, score INT) WITH ('materialized' = 'true');
            CREATE TABLE e (a INT, b BIGINT, d DECIMAL(6, 2), t TIMESTAMP, s SMALLINT);
            CREATE MATERIALIZED VIEW m AS SELECT name, score FROM p WHERE score >= 10;
            CREATE VIEW calc AS SELECT a + b AS ab, d * 2 AS d2, d / 3 AS d3, a / b AS q, a % 3 AS r,
                CAST(t AS VARCHAR) AS ts, CAST('12' AS INT) + a AS c, s + s AS s2, t > TIMESTAMP '2024-01-01 00:00:00' AS late
                FROM e;
            CREATE VIEW logic AS SELECT a, (a > 1) AND (b > 1) AS x, (a > 1) OR (b > 1) AS y,
                NOT (a > 1) AS z, CASE WHEN a > 1 THEN 'big' END AS w FROM e;
            """;

    @Test
    void upsertTable_feedsMaterializedOutputsAndAdHocQueries() {
        CompiledProgram program = SqlCompiler.compile(PROGRAM);
        Circuit circuit = program.newCircuit();
        circuit.append("p", Row.of(1, "ann", 12), 1);
        circuit.append("p", Row.of(2, "bob", 5), 1);
        circuit.append("p", Row.of(3, "cy", 30), 1);
        circuit.step();
        circuit.append("p", Row.of(2, "bob", 50), 1);
        circuit.append("p", Row.of(3, null, null), -1);
        Map<String, Batch> deltas = circuit.step();
        assertThat(deltas.get("m")).isEqualTo(Batch.builder().add(Row.of("bob", 50), 1).add(Row.of("cy", 30), -1)
                .build());
        assertThat(circuit.snapshot("p").size()).isEqualTo(2);

        AdHocQuery query = program.compileQuery("SELECT name, score * 2 AS s2 FROM m ORDER BY score DESC");
        assertThat(query.relations()).containsExactly("m");
        assertThat(query.run(circuit::snapshot)).containsExactly(Row.of("bob", 100), Row.of("ann", 24));
        AdHocQuery limited = program.compileQuery("SELECT id FROM p ORDER BY id LIMIT 1 OFFSET 1;");
        assertThat(limited.run(circuit::snapshot)).containsExactly(Row.of(2));
    }

    @Test
    void newCircuit_givesIndependentCircuitsWithTheSameOperators() {
        CompiledProgram program = SqlCompiler.compile(PROGRAM);
        Circuit one = program.newCircuit();
        Circuit two = program.newCircuit();
        one.append("p", Row.of(1, "ann", 12), 1);
        one.step();
        two.step();
        assertThat(two.snapshot("m").isEmpty()).isTrue();
        assertThat(one.capture().operators()).extracting(OperatorState::operatorId)
                .isEqualTo(two.capture().operators().stream().map(OperatorState::operatorId).toList());
        assertThat(one.inputNames()).containsExactlyInAnyOrder("p", "e");
        assertThat(one.outputNames()).containsExactlyInAnyOrder("m", "calc", "logic", "p");
    }

    @Test
    void expressions_followSqlSemantics() {
        Circuit circuit = SqlCompiler.compile(PROGRAM).newCircuit();
        circuit.append("e", Row.of(7, 2L, new BigDecimal("10.00"), LocalDateTime.of(2024, 5, 6, 7, 8, 9), 3), 1);
        circuit.append("e", Row.of(null, 0L, null, null, null), 1);
        Map<String, Batch> out = circuit.step();
        assertThat(out.get("calc")).isEqualTo(Batch.builder()
                .add(Row.of(9L, new BigDecimal("20.00"), new BigDecimal("3.333333"), 3L, 1, "2024-05-06 07:08:09",
                        19, 6, true), 1)
                .add(Row.of(null, null, null, null, null, null, null, null, null), 1)
                .build());
        assertThat(out.get("logic")).isEqualTo(Batch.builder()
                .add(Row.of(7, true, true, false, "big"), 1)
                .add(Row.of(null, false, null, null, null), 1)
                .build());
    }

    @Test
    void integerOverflowAndDivisionByZero_areEvaluationErrors() {
        Circuit overflow = SqlCompiler.compile(PROGRAM).newCircuit();
        overflow.append("e", Row.of(1, Long.MAX_VALUE, null, null, 32767), 1);
        assertThatThrownBy(overflow::step).isInstanceOf(EvaluationException.class).hasMessageContaining("overflow");
        Circuit division = SqlCompiler.compile(PROGRAM).newCircuit();
        division.append("e", Row.of(1, 0L, null, null, null), 1);
        assertThatThrownBy(division::step).isInstanceOf(EvaluationException.class)
                .hasMessageContaining("division by zero");
    }

    @Test
    void runtimeError_namesTheViewAndLeavesStateAsBeforeTheStep() {
        Circuit circuit = SqlCompiler.compile("""
                CREATE TABLE t (a INT, b INT) WITH ('materialized' = 'true');
                CREATE MATERIALIZED VIEW ratios AS SELECT a / b AS r FROM t;
                CREATE MATERIALIZED VIEW casts AS SELECT CAST(CAST(a AS VARCHAR) || 'x' AS INT) AS c FROM t WHERE b < 0;
                """).newCircuit();
        circuit.append("t", Row.of(6, 3), 1);
        circuit.step();
        circuit.append("t", Row.of(1, 0), 1);
        assertThatThrownBy(circuit::step).isInstanceOf(EvaluationException.class)
                .hasMessage("view ratios: division by zero");
        assertThat(circuit.snapshot("ratios")).isEqualTo(Batch.ofRow(Row.of(2), 1));
        assertThat(circuit.snapshot("t")).isEqualTo(Batch.ofRow(Row.of(6, 3), 1));
        circuit.append("t", Row.of(4, -1), 1);
        assertThatThrownBy(circuit::step).isInstanceOf(EvaluationException.class)
                .hasMessage("view casts: cannot cast '4x' to INTEGER");
        circuit.append("t", Row.of(8, 2), 1);
        circuit.step();
        assertThat(circuit.snapshot("ratios")).isEqualTo(Batch.builder().add(Row.of(2), 1).add(Row.of(4), 1).build());
    }

    @Test
    void adHocQuery_refusesWhatItCannotRun() {
        CompiledProgram program = SqlCompiler.compile(PROGRAM);
        assertThatThrownBy(() -> program.compileQuery("SELECT STDDEV_POP(1) OVER () FROM m"))
                .isInstanceOf(SqlCompileException.class).hasMessageContaining("window function STDDEV_POP");
        assertThat(program.compileQuery("SELECT COUNT(*) AS n FROM p").columns())
                .containsExactly(new Column("n", ColumnType.of(ColumnType.Kind.BIGINT), false));
        assertThat(List.of(program.compileQuery("SELECT COUNT(*) FROM p").run(r -> Batch.empty()).get(0)))
                .containsExactly(Row.of(0L));
    }
}
