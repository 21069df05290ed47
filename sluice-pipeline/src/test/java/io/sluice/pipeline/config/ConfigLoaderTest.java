package io.sluice.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaults_whenOnlyTheProgramIsGiven() throws Exception {
        PipelineConfig c = ConfigLoader.parse("program_code: 'CREATE TABLE t (x INT);'", false, Optional.empty());
        assertThat(c.name()).isEqualTo("unnamed");
        assertThat(c.workers()).isEqualTo(8);
        assertThat(c.storagePath()).isEmpty();
        assertThat(c.checkpointIntervalSecs()).isEmpty();
    }

    @Test
    void fullMapping_yaml() throws Exception {
        PipelineConfig c = ConfigLoader.parse("""
                name: p1
                given_name: ignored
                workers: 2
                storage_config: {path: /tmp/s, cache: page_cache}
                storage: {}
                fault_tolerance: {model: at_least_once, checkpoint_interval_secs: 5000}
                program_code: SELECT 1
                """, false, Optional.empty());
        assertThat(c.name()).isEqualTo("p1");
        assertThat(c.workers()).isEqualTo(2);
        assertThat(c.storagePath()).contains(Path.of("/tmp/s"));
        assertThat(c.checkpointIntervalSecs()).as("clamped to 3600").contains(3600);
    }

    @Test
    void storageFalse_disablesStorageEvenWithAPath() throws Exception {
        PipelineConfig c = ConfigLoader.parse("{\"storage_config\":{\"path\":\"/x\"},\"storage\":false,\"program_code\":\"x\"}",
                true, Optional.empty());
        assertThat(c.storagePath()).isEmpty();
    }

    @Test
    void sqlFile_overridesProgramCode() throws Exception {
        PipelineConfig c = ConfigLoader.parse("program_code: a", false, Optional.of("b"));
        assertThat(c.programCode()).isEqualTo("b");
    }

    @Test
    void unknownField_isRefusedByName() {
        assertThatThrownBy(() -> ConfigLoader.parse("program_code: a\nworkerz: 2\n", false, Optional.empty()))
                .isInstanceOf(ConfigException.class).hasMessage("config field 'workerz' is unknown");
    }

    @Test
    void badValues_areRefusedWithTheField() {
        assertThatThrownBy(() -> ConfigLoader.parse("program_code: a\nworkers: 0\n", false, Optional.empty()))
                .hasMessageContaining("'workers' must be a positive integer");
        assertThatThrownBy(() -> ConfigLoader.parse("workers: 1\n", false, Optional.empty()))
                .hasMessageContaining("'program_code' is missing");
        assertThatThrownBy(() -> ConfigLoader.parse("program_code: a\nstorage_config: {}\n", false, Optional.empty()))
                .hasMessageContaining("'storage_config.path' is missing");
        assertThatThrownBy(() -> ConfigLoader.parse("{not json", true, Optional.empty()))
                .hasMessageStartingWith("config is not valid JSON");
        assertThatThrownBy(() -> ConfigLoader.parse("program_code: a\ninputs: {t.kafka: {}}\n", false, Optional.empty()))
                .hasMessageContaining("inputs.t.kafka.transport");
        assertThatThrownBy(() -> ConfigLoader.parse("program_code: a\ninputs: {t.f: {transport: {name: file_input}, bogus: 1}}\n",
                false, Optional.empty())).hasMessageContaining("inputs.t.f.bogus' is unknown");
        assertThatThrownBy(() -> ConfigLoader.parse("program_code: a\nfault_tolerance: {model: twice}\n", false, Optional.empty()))
                .hasMessageContaining("fault_tolerance.model");
        assertThatThrownBy(() -> ConfigLoader.parse("program_code: a\ninputs:\n  a.x: {transport: {name: datagen}, labels: [l1], start_after: [l2]}\n"
                + "  b.y: {transport: {name: datagen}, labels: [l2], start_after: [l1]}\n", false, Optional.empty()))
                .hasMessageContaining("waits for itself");
    }

    @Test
    void connectorsAndFaultTolerance_areParsedInFelderasShape() throws Exception {
        PipelineConfig c = ConfigLoader.parse("""
                program_code: a
                fault_tolerance: {model: at_least_once}
                inputs:
                  t.file:
                    stream: t
                    transport: {name: file_input, config: {path: /tmp/in.csv, follow: true}}
                    format: {name: csv}
                    max_queued_records: 10
                    paused: true
                    labels: backfill
                outputs:
                  v.kafka:
                    transport: {name: kafka_output, config: {bootstrap.servers: "h:9092", topic: out}}
                    format: {name: json}
                """, false, Optional.empty());
        assertThat(c.faultTolerance()).isEqualTo(FaultToleranceModel.AT_LEAST_ONCE);
        assertThat(c.checkpointIntervalSecs()).contains(60);
        EndpointConfig in = c.inputs().get(0);
        assertThat(in.name()).isEqualTo("t.file");
        assertThat(in.transport()).isEqualTo("file_input");
        assertThat(in.transportText("path")).contains("/tmp/in.csv");
        assertThat(in.format()).contains("csv");
        assertThat(in.maxQueuedRecords()).isEqualTo(10);
        assertThat(in.paused()).isTrue();
        assertThat(in.labels()).containsExactly("backfill");
        EndpointConfig out = c.outputs().get(0);
        assertThat(out.stream()).isEqualTo("v");
        assertThat(out.transportText("topic")).contains("out");
        assertThat(out.maxQueuedRecords()).isEqualTo(EndpointConfig.DEFAULT_MAX_QUEUED_RECORDS);
        assertThat(ConfigLoader.parse("program_code: a\nfault_tolerance: {}\n", false, Optional.empty()).faultTolerance())
                .isEqualTo(FaultToleranceModel.EXACTLY_ONCE);
        assertThat(ConfigLoader.parse("program_code: a\n", false, Optional.empty()).faultTolerance())
                .isEqualTo(FaultToleranceModel.NONE);
    }

    @Test
    void aJsonSibling_isPreferredOverTheYamlPath() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), "name: from-yaml\nprogram_code: a\n");
        Files.writeString(dir.resolve("config.json"), "{\"name\": \"from-json\", \"program_code\": \"a\"}");
        assertThat(ConfigLoader.load(dir.resolve("config.yaml"), Optional.empty()).name()).isEqualTo("from-json");
    }
}
