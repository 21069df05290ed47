package io.sluice.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.storage.CircuitStateCodec;
import io.sluice.engine.storage.InMemoryStateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs a change script through two copies of a program: one uninterrupted, one that is captured,
 * written through the codec (batch files and manifest), and restored into a fresh build before step
 * {@code stop}. Every later step must give the same output deltas.
 */
public final class RestoreCheck {
    private RestoreCheck() {
    }

    public static void run(List<List<Integer>> script, int stop, Supplier<Circuit> program, ChangeScript.Domain domain) {
        int tables;
        try (Circuit probe = program.get()) {
            tables = probe.inputNames().size();
        }
        List<List<ChangeScript.Change>> steps = decode(script, tables, domain);
        Circuit uninterrupted = program.get();
        Circuit interrupted = program.get();
        InMemoryStateStore store = new InMemoryStateStore();
        try {
            for (int s = 0; s < steps.size(); s++) {
                if (s == stop) {
                    Circuit before = interrupted;
                    interrupted = checkpointAndRestore(before, program, store);
                    before.close();
                }
                Map<String, Batch> expected = step(uninterrupted, steps.get(s));
                assertThat(step(interrupted, steps.get(s))).as("step %d after a restore before step %d", s, stop)
                        .isEqualTo(expected);
            }
        } finally {
            uninterrupted.close();
            interrupted.close();
        }
    }

    /** The script's changes, step by step, decoded against model tables of {@code tables} inputs. */
    public static List<List<ChangeScript.Change>> decode(List<List<Integer>> script, int tables, ChangeScript.Domain domain) {
        List<Multiset> models = new ArrayList<>();
        for (int i = 0; i < tables; i++) {
            models.add(new Multiset());
        }
        List<List<ChangeScript.Change>> steps = new ArrayList<>();
        for (List<Integer> step : script) {
            List<ChangeScript.Change> changes = new ArrayList<>();
            step.forEach(code -> changes.add(ChangeScript.decode(code, models, domain)));
            steps.add(changes);
        }
        return steps;
    }

    public static Map<String, Batch> step(Circuit c, List<ChangeScript.Change> changes) {
        List<String> inputs = c.inputNames();
        for (ChangeScript.Change change : changes) {
            c.append(inputs.get(change.table()), change.row(), change.weight());
        }
        return c.step();
    }

    private static Circuit checkpointAndRestore(Circuit circuit, Supplier<Circuit> program, InMemoryStateStore store) {
        try {
            byte[] manifest = CircuitStateCodec.writeManifest(circuit.capture(), store);
            Circuit restored = program.get();
            restored.restore(CircuitStateCodec.readManifest(manifest, store));
            return restored;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
