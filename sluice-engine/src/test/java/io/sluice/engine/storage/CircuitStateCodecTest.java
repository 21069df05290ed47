package io.sluice.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.circuit.CircuitState;
import io.sluice.engine.circuit.OperatorState;
import io.sluice.engine.operator.AggregateCall;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitStateCodecTest {
    private static Circuit program() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream t = b.input("t");
        CircuitBuilder.Stream u = b.upsertInput("u", new int[] {0});
        CircuitBuilder.Stream j = t.indexBy(r -> Row.of(r.get(0)), r -> r)
                .join(u.indexBy(r -> Row.of(r.get(0)), r -> r), (k, l, r) -> Row.of(k.get(0), l.get(1), r.get(1)));
        b.output("j", j, true);
        b.output("c", t.indexBy(r -> Row.of(r.get(0)), r -> r).aggregate(List.of(AggregateCall.countStar())), true);
        return b.build();
    }

    private static void feed(Circuit c, int step) {
        for (int i = 0; i < 50; i++) {
            c.append("t", Row.of(i % 7, step * 100 + i), 1);
            c.append("u", Row.of(i % 5, "s" + step + "-" + i), 1);
        }
    }

    @Test
    void manifestRoundTripsTheState() throws IOException {
        Circuit c = program();
        for (int s = 0; s < 3; s++) {
            feed(c, s);
            c.step();
        }
        InMemoryStateStore store = new InMemoryStateStore();
        CircuitState state = c.capture();
        CircuitState read = CircuitStateCodec.readManifest(CircuitStateCodec.writeManifest(state, store), store);
        assertThat(read.steps()).isEqualTo(3);
        assertThat(read.operators()).hasSameSizeAs(state.operators());
        for (int i = 0; i < state.operators().size(); i++) {
            OperatorState expected = state.operators().get(i);
            OperatorState actual = read.operators().get(i);
            assertThat(actual.operatorId()).isEqualTo(expected.operatorId());
            assertThat(actual.batches()).isEqualTo(expected.batches());
            assertThat(actual.metadata()).isEqualTo(expected.metadata());
            assertThat(actual.batches()).allSatisfy(batch -> assertThat(batch.persistedName()).isNotNull());
        }
    }

    @Test
    void aSecondCheckpointWritesOnlyNewBatches() throws IOException {
        Circuit c = program();
        for (int s = 0; s < 20; s++) {
            feed(c, s);
            c.step();
        }
        InMemoryStateStore store = new InMemoryStateStore();
        CircuitStateCodec.writeManifest(c.capture(), store);
        int first = store.writes();
        assertThat(first).isGreaterThan(5);

        CircuitStateCodec.writeManifest(c.capture(), store);
        assertThat(store.writes()).isEqualTo(first);

        c.append("t", Row.of(1000, 1), 1);
        c.step();
        CircuitState after = c.capture();
        CircuitStateCodec.writeManifest(after, store);
        long unpersisted = after.operators().stream().flatMap(op -> op.batches().stream())
                .filter(batch -> batch.persistedName() == null).count();
        assertThat(unpersisted).isZero();
        assertThat(store.writes() - first).isBetween(1, 4);
    }

    @Test
    void restoredBatchesKeepTheirNamesSoTheyAreNotRewritten() throws IOException {
        Circuit c = program();
        for (int s = 0; s < 5; s++) {
            feed(c, s);
            c.step();
        }
        InMemoryStateStore store = new InMemoryStateStore();
        byte[] manifest = CircuitStateCodec.writeManifest(c.capture(), store);
        int written = store.writes();
        Circuit restored = program();
        restored.restore(CircuitStateCodec.readManifest(manifest, store));
        CircuitStateCodec.writeManifest(restored.capture(), store);
        assertThat(store.writes()).isEqualTo(written);
        assertThat(restored.snapshot("j")).isEqualTo(c.snapshot("j"));
        assertThat(restored.steps()).isEqualTo(5);
    }

    @Test
    void restoredCircuitContinuesLikeTheUninterruptedOne() throws IOException {
        Circuit uninterrupted = program();
        Circuit first = program();
        for (int s = 0; s < 4; s++) {
            feed(uninterrupted, s);
            feed(first, s);
            assertThat(first.step()).isEqualTo(uninterrupted.step());
        }
        InMemoryStateStore store = new InMemoryStateStore();
        byte[] manifest = CircuitStateCodec.writeManifest(first.capture(), store);
        Circuit second = program();
        second.restore(CircuitStateCodec.readManifest(manifest, store));
        for (int s = 4; s < 8; s++) {
            feed(uninterrupted, s);
            feed(second, s);
            assertThat(second.step()).as("step %d", s).isEqualTo(uninterrupted.step());
        }
        assertThat(second.snapshot("c")).isEqualTo(uninterrupted.snapshot("c"));
    }

    @Test
    void corruptManifestIsRefused() throws IOException {
        InMemoryStateStore store = new InMemoryStateStore();
        byte[] manifest = CircuitStateCodec.writeManifest(program().capture(), store);
        manifest[manifest.length - 6] ^= 1;
        assertThatThrownBy(() -> CircuitStateCodec.readManifest(manifest, store))
                .isInstanceOf(IOException.class).hasMessageContaining("CRC32C");
    }
}
