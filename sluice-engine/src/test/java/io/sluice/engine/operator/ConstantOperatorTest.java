package io.sluice.engine.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConstantOperatorTest {
    private static final Batch ROWS = Batch.builder().add(Row.of(1L), 1).add(Row.of(2L), 2).build();

    @Test
    void emitsItsRowsAtTheFirstStepOnly() {
        CircuitBuilder b = new CircuitBuilder();
        b.output("c", b.constant(ROWS), true);
        Circuit c = b.build();
        assertThat(c.step().get("c")).isEqualTo(ROWS);
        assertThat(c.step().get("c").isEmpty()).isTrue();
    }

    @Test
    void restoredState_doesNotEmitAgain() {
        ConstantOperator emitted = new ConstantOperator(ROWS);
        emitted.evaluate(List.of());
        ConstantOperator restored = new ConstantOperator(ROWS);
        restored.restoreState(emitted.stateBatches(), emitted.stateMetadata());
        assertThat(restored.evaluate(List.of()).isEmpty()).isTrue();

        ConstantOperator notYet = new ConstantOperator(ROWS);
        ConstantOperator restoredBefore = new ConstantOperator(ROWS);
        restoredBefore.restoreState(notYet.stateBatches(), notYet.stateMetadata());
        assertThat(restoredBefore.evaluate(List.of())).isEqualTo(ROWS);
    }
}
