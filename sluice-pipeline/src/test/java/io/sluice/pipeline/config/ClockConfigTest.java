package io.sluice.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClockConfigTest {
    private static ClockConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse("program_code: 'CREATE TABLE t (x INT);'\n" + yaml, false, Optional.empty()).clock();
    }

    @Test
    void defaults_oneSecondUtcWallClock() throws Exception {
        assertThat(parse("")).isEqualTo(new ClockConfig(1000, ZoneOffset.UTC, false));
        assertThat(parse("clock_resolution_usecs: null\nclock_timezone_offset: null\ndev_tweaks: null\n"))
                .isEqualTo(ClockConfig.DEFAULT);
    }

    @Test
    void fullMapping() throws Exception {
        ClockConfig c = parse("""
                clock_resolution_usecs: 250000
                clock_timezone_offset: "+05:30"
                dev_tweaks: {now_http_driven: true, other_tweak: 3}
                """);
        assertThat(c).isEqualTo(new ClockConfig(250, ZoneOffset.ofHoursMinutes(5, 30), true));
    }

    @Test
    void resolution_roundsToMillisecondsAndIsAtLeastOne() throws Exception {
        assertThat(parse("clock_resolution_usecs: 1499").resolutionMillis()).isEqualTo(1);
        assertThat(parse("clock_resolution_usecs: 1500").resolutionMillis()).isEqualTo(2);
        assertThat(parse("clock_resolution_usecs: 0").resolutionMillis()).isEqualTo(1);
    }

    @Test
    void badValues_areRefusedNamingTheField() {
        assertThatThrownBy(() -> parse("clock_resolution_usecs: -1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'clock_resolution_usecs'");
        assertThatThrownBy(() -> parse("clock_resolution_usecs: 1.5")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'clock_resolution_usecs'");
        assertThatThrownBy(() -> parse("clock_timezone_offset: '+25:00'")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'clock_timezone_offset'");
        assertThatThrownBy(() -> parse("clock_timezone_offset: 5")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'clock_timezone_offset'");
        assertThatThrownBy(() -> parse("dev_tweaks: {now_http_driven: 'yes'}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'dev_tweaks.now_http_driven'");
    }
}
