package io.sluice.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bench.ResultLine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the {@code kafka-ingest} benchmark at a size that proves nothing about speed: a
 * real KRaft broker, the real {@code sluice.jar}, 1,000 warm-up and 10,000 measured CSV rows (one
 * format keeps it short; JSON differs only in the parser). The run itself fails unless
 * {@code /stats} counts exactly warm-up plus measured rows and {@code SELECT COUNT(*)} finds each of
 * them in the table once; here we check that it finished and reported its figures.
 */
class KafkaIngestIT {
    @Test
    void tenThousandRows_allArriveInTheTable() throws Exception {
        Path jar = Path.of(System.getProperty("sluice.jar", "../sluice-pipeline/target/sluice.jar"));
        KafkaIngestScenario.Settings settings = new KafkaIngestScenario.Settings(10_000, 1_000, 2, "insert_delete", Map.of(),
                Duration.ofMinutes(2), true);

        List<ResultLine> results = KafkaIngestScenario.measure(jar, List.of(), List.of("csv"), settings);

        List<ResultLine> rates = results.stream().filter(r -> r.name().equals("kafka_ingest_rows_per_sec")).toList();
        assertThat(rates).extracting(r -> r.labels().get("format")).containsExactly("csv");
        assertThat(rates).allSatisfy(r -> {
            assertThat(r.labels()).containsEntry("rows", "10000").containsEntry("partitions", "2");
            assertThat(r.value()).isPositive();
        });
    }
}
