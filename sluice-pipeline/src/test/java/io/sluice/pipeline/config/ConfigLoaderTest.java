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
                .hasMessageContaining("inputs.t.kafka");
    }

    @Test
    void aJsonSibling_isPreferredOverTheYamlPath() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), "name: from-yaml\nprogram_code: a\n");
        Files.writeString(dir.resolve("config.json"), "{\"name\": \"from-json\", \"program_code\": \"a\"}");
        assertThat(ConfigLoader.load(dir.resolve("config.yaml"), Optional.empty()).name()).isEqualTo("from-json");
    }
}
