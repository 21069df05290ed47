package io.sluice.engine.operator.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import org.junit.jupiter.api.Test;

/** {@link Circuit#lateRows()} counts every dropped change once, whatever the number of workers. */
class LateRowsTest {
    private static Circuit circuit(int workers) {
        CircuitBuilder b = new CircuitBuilder();
        b.output("out", b.input("events").lateness(1, 10L), true);
        return b.build(workers);
    }

    @Test
    void lateRowsAreSummedOverWorkers() {
        for (int workers : new int[] {1, 2, 4}) {
            try (Circuit c = circuit(workers)) {
                for (int k = 0; k < 100; k++) {
                    c.append("events", Row.of(k, 1000L), 1);
                }
                c.step();
                // the waterline is now 990: 40 rows below it (20 of them twice), 10 at or above
                for (int k = 0; k < 20; k++) {
                    c.append("events", Row.of(k, 500L + k), 2);
                }
                for (int k = 0; k < 20; k++) {
                    c.append("events", Row.of(100 + k, 989L), 1);
                }
                for (int k = 0; k < 10; k++) {
                    c.append("events", Row.of(200 + k, 990L), 1);
                }
                c.step();
                assertThat(c.lateRows()).as("%s workers", workers).isEqualTo(60);
                assertThat(c.snapshot("out").size()).as("%s workers", workers).isEqualTo(110);
            }
        }
    }
}
