package io.sluice.pipeline.config;

import java.util.Locale;
import java.util.Map;

/**
 * The deployment-wide switch {@code FELDERA_CLEAN_SHUTDOWN_ON_SIGTERM}: when truthy, SIGTERM
 * checkpoints and suspends before the process exits. Read once, at startup.
 */
public final class CleanShutdownSetting {
    public static final String VARIABLE = "FELDERA_CLEAN_SHUTDOWN_ON_SIGTERM";

    private CleanShutdownSetting() {
    }

    /** True for {@code 1}, {@code true}, {@code yes} and {@code on}, in any case, surrounding white space ignored. */
    public static boolean isTruthy(String value) {
        if (value == null) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            default -> false;
        };
    }

    public static boolean fromEnvironment(Map<String, String> environment) {
        return isTruthy(environment.get(VARIABLE));
    }
}
