package io.sluice.engine.operator.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.Multiset;
import io.sluice.engine.testing.OperatorProperty;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowsTest {
    private static final LocalDateTime BASE = LocalDateTime.of(2026, 1, 1, 0, 0);

    /** Rows (id, t, ts): t in -20..20 or NULL, ts = BASE + t seconds (NULL with t). */
    private static final ChangeScript.Domain DOMAIN = ChangeScript.Domain.of(n -> {
        int code = (n / 2) % 42;
        if (code == 41) {
            return Row.of(n % 2, null, null);
        }
        int t = code - 20;
        return Row.of(n % 2, (long) t, BASE.plusSeconds(t));
    });

    private static Circuit program(int workers) {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream t = b.input("t");
        b.output("tumble", t.tumble(1, 5L, 2L), true);
        b.output("hop", t.hop(1, 3L, 7L, 1L), true);
        b.output("gaps", t.hop(1, 5L, 3L), true);
        b.output("timestamps", t.tumble(2, Duration.ofSeconds(10)).map(r -> Row.of(r.get(0), r.get(3), r.get(4))), true);
        return b.build(workers);
    }

    /** Every window [s, s + size) with s = offset + j * slide that holds t, by brute force. */
    private static void windows(Multiset out, Multiset in, int column, long slide, long size, long offset) {
        for (Row r : in.rows()) {
            if (r.get(column) == null) {
                continue;
            }
            long t = (Long) r.get(column);
            for (long j = -100; j <= 100; j++) {
                long s = offset + j * slide;
                if (s <= t && t < s + size) {
                    out.add(r.concat(Row.of(s, s + size)), in.weight(r));
                }
            }
        }
    }

    private static Map<String, Multiset> recompute(List<Multiset> tables) {
        Multiset in = tables.get(0);
        Map<String, Multiset> out = new LinkedHashMap<>();
        for (String name : List.of("tumble", "hop", "gaps", "timestamps")) {
            out.put(name, new Multiset());
        }
        windows(out.get("tumble"), in, 1, 5, 5, 2);
        windows(out.get("hop"), in, 1, 3, 7, 1);
        windows(out.get("gaps"), in, 1, 5, 3, 0);
        Multiset seconds = new Multiset();
        windows(seconds, in, 1, 10, 10, 0);
        for (Row r : seconds.rows()) {
            out.get("timestamps").add(Row.of(r.get(0), BASE.plusSeconds((Long) r.get(3)), BASE.plusSeconds((Long) r.get(4))),
                    seconds.weight(r));
        }
        return out;
    }

    @Test
    void windowsEqualBruteForceAndSurviveRestore() {
        OperatorProperty.check(100, WindowsTest::program, DOMAIN, WindowsTest::recompute);
    }

    @Test
    void tumbleOfATimestampAppendsStartAndEnd() {
        CircuitBuilder b = new CircuitBuilder();
        b.output("w", b.input("t").tumble(0, Duration.ofMinutes(10)), false);
        Circuit c = b.build();
        c.append("t", Row.of(LocalDateTime.of(2026, 3, 1, 12, 34, 56, 789_000_000)), 1);
        assertThat(c.step().get("w")).isEqualTo(Batch.ofRow(Row.of(LocalDateTime.of(2026, 3, 1, 12, 34, 56, 789_000_000),
                LocalDateTime.of(2026, 3, 1, 12, 30), LocalDateTime.of(2026, 3, 1, 12, 40)), 1));
    }
}
