package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultLineTest {
    @Test
    void parse_readsBackWhatToStringPrints() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("rows", "100000");
        labels.put("variant", "recent-checkpoint");
        ResultLine line = new ResultLine("sigterm_exit_ms", labels, 128.764, "ms");

        ResultLine back = ResultLine.parse(line.toString()).orElseThrow();

        assertThat(back).isEqualTo(line);
        assertThat(back.labels().keySet()).containsExactly("rows", "variant");
    }

    @Test
    void parse_withoutLabels_andIntegralValue() {
        assertThat(ResultLine.parse("RESULT nexmark_q0_correct 1 flag")).contains(
                new ResultLine("nexmark_q0_correct", Map.of(), 1, "flag"));
        assertThat(ResultLine.parse("RESULT nexmark_q0_events_per_sec 9722.863 events/s").orElseThrow().value())
                .isEqualTo(9722.863);
    }

    @Test
    void parse_ignoresOtherLines() {
        assertThat(ResultLine.parse("nexmark q0: 5,000 events on 2 worker(s)")).isEmpty();
        assertThat(ResultLine.parse("RESULT name{broken} 1 ms")).isEmpty();
        assertThat(ResultLine.parse("RESULT name 1")).isEmpty();
        assertThat(ResultLine.parse("RESULT name notanumber ms")).isEmpty();
    }
}
