package io.sluice.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.AggregateCall.NumericType;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.Multiset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stopping a circuit at a step boundary, checkpointing it and restoring a fresh build changes nothing. */
class CheckpointRestoreTest {
    private static final ChangeScript.Domain DOMAIN = ChangeScript.Domain.of(n -> Row.of(n % 4, (n / 4) % 5 - 1));

    /** Every stateful operator kind: upsert input, join, grouped and global aggregates, materialized outputs. */
    private static Circuit program() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream t = b.input("t");
        CircuitBuilder.Stream u = b.upsertInput("u", new int[] {0});
        CircuitBuilder.Stream joined = t.filter(r -> (Integer) r.get(1) >= 0).indexBy(r -> Row.of(r.get(0)), r -> r)
                .join(u.indexBy(r -> Row.of(r.get(0)), r -> r), (k, l, r) -> Row.of(k.get(0), l.get(1), r.get(1)));
        b.output("joined", joined, true);
        b.output("perKey", joined.indexBy(r -> Row.of(r.get(0)), r -> r).aggregate(List.of(
                AggregateCall.countStar(), AggregateCall.sum(2, NumericType.INTEGER))), false);
        b.output("total", t.indexBy(r -> Row.EMPTY, r -> r).globalAggregate(List.of(
                AggregateCall.count(1), AggregateCall.sum(1, NumericType.BIGINT))), true);
        b.output("difference", t.map(r -> Row.of(r.get(0))).plus(u.map(r -> Row.of(r.get(0))).negate()), true);
        return b.build();
    }

    private static List<List<ChangeScript.Change>> decode(List<List<Integer>> script) {
        List<Multiset> tables = List.of(new Multiset(), new Multiset());
        List<List<ChangeScript.Change>> steps = new ArrayList<>();
        for (List<Integer> step : script) {
            List<ChangeScript.Change> changes = new ArrayList<>();
            step.forEach(code -> changes.add(ChangeScript.decode(code, tables, DOMAIN)));
            steps.add(changes);
        }
        return steps;
    }

    private static Map<String, Batch> step(Circuit c, List<ChangeScript.Change> changes) {
        for (ChangeScript.Change change : changes) {
            c.append(change.table() == 0 ? "t" : "u", change.row(), change.weight());
        }
        return c.step();
    }

    private static Circuit checkpointAndRestore(Circuit circuit, InMemoryStateStore store) {
        try {
            byte[] manifest = CircuitStateCodec.writeManifest(circuit.capture(), store);
            Circuit restored = program();
            restored.restore(CircuitStateCodec.readManifest(manifest, store));
            return restored;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void restoredRunEqualsUninterruptedRun() {
        qt().withExamples(200).forAll(ChangeScript.steps(12, 8), integers().between(0, 12)).checkAssert((script, stop) -> {
            List<List<ChangeScript.Change>> steps = decode(script);
            Circuit uninterrupted = program();
            Circuit interrupted = program();
            InMemoryStateStore store = new InMemoryStateStore();
            for (int s = 0; s < steps.size(); s++) {
                if (s == stop || s == stop * 2) {
                    interrupted = checkpointAndRestore(interrupted, store);
                    for (String out : List.of("joined", "total", "difference")) {
                        assertThat(interrupted.snapshot(out)).isEqualTo(uninterrupted.snapshot(out));
                    }
                }
                assertThat(step(interrupted, steps.get(s)))
                        .as("step %d after a restore at %d", s, stop).isEqualTo(step(uninterrupted, steps.get(s)));
            }
            assertThat(interrupted.steps()).isEqualTo(uninterrupted.steps());
        });
    }
}
