package io.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import org.junit.jupiter.api.Test;

/** SUM and AVG of REAL in a maintained view: the exact result of the rows present, rounded once to REAL. */
class RealAggregatesTest {
    @Test
    void sumAndAvg_doNotDependOnTheHistoryOfTheGroup() {
        Circuit circuit = SqlCompiler.compile("""
                CREATE TABLE t (g INT, r REAL);
                CREATE MATERIALIZED VIEW v AS SELECT g, SUM(r) AS s, AVG(r) AS a FROM t GROUP BY g;
                """).newCircuit();
        circuit.append("t", Row.of(1, 16777216f), 1);
        circuit.append("t", Row.of(1, 1f), 1);
        circuit.append("t", Row.of(1, 1f), 1);
        circuit.step();
        assertThat(circuit.snapshot("v")).isEqualTo(Batch.builder().add(Row.of(1, 16777218f, 5592406f), 1).build());
        // float additions in arrival order would have lost both 1s and now give 0
        circuit.append("t", Row.of(1, 16777216f), -1);
        circuit.step();
        assertThat(circuit.snapshot("v")).isEqualTo(Batch.builder().add(Row.of(1, 2f, 1f), 1).build());
        circuit.append("t", Row.of(1, 0.1f), 1);
        circuit.step();
        // (1 + 1 + 0.1f) / 3, with 0.1f at its exact binary value, is nearest to 0.7f
        assertThat(circuit.snapshot("v")).isEqualTo(Batch.builder().add(Row.of(1, 2.1f, 0.7f), 1).build());
    }
}
