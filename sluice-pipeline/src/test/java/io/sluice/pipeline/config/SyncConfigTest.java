package io.sluice.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SyncConfigTest {
    private static PipelineConfig parse(String sync) throws ConfigException {
        return ConfigLoader.parse("{\"name\": \"p\", \"program_code\": \"CREATE TABLE t (x INT);\","
                + " \"storage_config\": {\"path\": \"/tmp/s\"},"
                + " \"storage\": {\"backend\": {\"name\": \"file\", \"config\": {\"sync\": " + sync + "}}}}", true, Optional.empty());
    }

    @Test
    void fullConfig_parsesEveryField_andSplitsTheBucketPrefix() throws Exception {
        SyncConfig c = parse("""
                {"bucket": "s3://ckpt/team/p1/", "endpoint": "http://127.0.0.1:9000", "region": "eu-west-1",
                 "access_key": "a", "secret_key": "s", "start_from_checkpoint": "latest", "fail_if_no_checkpoint": true,
                 "pull_interval": 3, "push_interval": 30, "retention_min_count": 4, "retention_min_age": 0,
                 "read_bucket": "ckpt/team/p0", "transfers": 8, "provider": "Minio"}""").sync().orElseThrow();
        assertThat(c.bucket()).isEqualTo("ckpt");
        assertThat(c.prefix()).isEqualTo("team/p1/");
        assertThat(c.endpoint().orElseThrow().getPort()).isEqualTo(9000);
        assertThat(c.region()).isEqualTo("eu-west-1");
        assertThat(c.startFromCheckpoint()).contains("latest");
        assertThat(c.failIfNoCheckpoint()).isTrue();
        assertThat(c.pullInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.pushInterval()).contains(Duration.ofSeconds(30));
        assertThat(c.retentionMinCount()).isEqualTo(4);
        assertThat(c.retentionMinAge()).isEqualTo(Duration.ZERO);
        assertThat(c.readBucket().orElseThrow().toString()).isEqualTo("ckpt/team/p0");
    }

    @Test
    void defaults_followFeldera() throws Exception {
        SyncConfig c = parse("{\"bucket\": \"ckpt\"}").sync().orElseThrow();
        assertThat(c.prefix()).isEmpty();
        assertThat(c.pullInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.pushInterval()).isEmpty();
        assertThat(c.retentionMinCount()).isEqualTo(10);
        assertThat(c.retentionMinAge()).isEqualTo(Duration.ofDays(30));
        assertThat(c.startFromCheckpoint()).isEmpty();
        assertThat(c.accessKey()).isEmpty();
    }

    @Test
    void wrongFields_areRefusedByName() {
        assertThatThrownBy(() -> parse("{}")).hasMessageContaining("'storage.backend.config.sync.bucket' is missing");
        assertThatThrownBy(() -> parse("{\"bucket\": \"ckpt\", \"pull_intervall\": 3}"))
                .hasMessageContaining("'storage.backend.config.sync.pull_intervall' is unknown");
        assertThatThrownBy(() -> parse("{\"bucket\": \"ckpt\", \"pull_interval\": \"10s\"}"))
                .hasMessageContaining("'storage.backend.config.sync.pull_interval' must be a non-negative integer (seconds)");
        assertThatThrownBy(() -> parse("{\"bucket\": \"ckpt\", \"push_interval\": 0}"))
                .hasMessageContaining("'storage.backend.config.sync.push_interval' must be a positive integer");
        assertThatThrownBy(() -> parse("{\"bucket\": \"ckpt\", \"start_from_checkpoint\": \"newest\"}"))
                .hasMessageContaining("'storage.backend.config.sync.start_from_checkpoint' must be \"latest\" or a checkpoint uuid");
        assertThatThrownBy(() -> parse("{\"bucket\": \"ckpt\", \"access_key\": \"a\"}"))
                .hasMessageContaining("'storage.backend.config.sync.access_key' and");
        assertThatThrownBy(() -> parse("{\"bucket\": \"Not_A_Bucket\"}"))
                .hasMessageContaining("'storage.backend.config.sync.bucket' must be a bucket name");
        assertThatThrownBy(() -> parse("{\"bucket\": \"ckpt/a\", \"read_bucket\": \"ckpt/a/\"}"))
                .hasMessageContaining("'storage.backend.config.sync.read_bucket' must differ");
        assertThatThrownBy(() -> parse("{\"bucket\": \"ckpt\", \"endpoint\": \"localhost:9000\"}"))
                .hasMessageContaining("'storage.backend.config.sync.endpoint' is not a URL");
        assertThatThrownBy(() -> parse("{\"bucket\": \"ckpt\", \"fail_if_no_checkpoint\": true}"))
                .hasMessageContaining("needs 'start_from_checkpoint'");
        assertThatThrownBy(() -> parse("{\"bucket\": \"ckpt\", \"standby\": true}"))
                .hasMessageContaining("--initial standby");
        assertThatThrownBy(() -> parse("[]")).hasMessageContaining("must be an object");
    }

    @Test
    void syncNeedsStorage() {
        assertThatThrownBy(() -> ConfigLoader.parse("{\"program_code\": \"CREATE TABLE t (x INT);\","
                + " \"storage\": {\"backend\": {\"name\": \"file\", \"config\": {\"sync\": {\"bucket\": \"ckpt\"}}}}}", true,
                Optional.empty())).hasMessageContaining("needs storage");
    }
}
