package io.sluice.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CleanShutdownSettingTest {
    private static boolean on(String value) {
        return CleanShutdownSetting.fromEnvironment(Map.of(CleanShutdownSetting.VARIABLE, value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "true", "TRUE", "True", "yes", "YES", "Yes", "on", "ON", "On", " TRUE ", "\ttrue\n", "  1", "yes  "})
    void truthyValues_turnItOn(String value) {
        assertThat(on(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "off", "OFF", "false", "no", "tru", "yess", "onn", "2", "", " ", "t", "y", "1.0", "true!", "\"true\""})
    void nearMissesAndFalsyValues_leaveItOff(String value) {
        assertThat(on(value)).isFalse();
    }

    @Test
    void unset_isOff() {
        assertThat(EnvironmentFlag.isTruthy(null)).isFalse();
        assertThat(CleanShutdownSetting.fromEnvironment(Map.of())).isFalse();
    }

    @Test
    void fromEnvironment_readsTheFeldera_variable() {
        assertThat(CleanShutdownSetting.fromEnvironment(Map.of("FELDERA_CLEAN_SHUTDOWN_ON_SIGTERM", " on "))).isTrue();
        assertThat(CleanShutdownSetting.fromEnvironment(Map.of("SLUICE_CLEAN_SHUTDOWN_ON_SIGTERM", "1"))).isFalse();
    }
}
