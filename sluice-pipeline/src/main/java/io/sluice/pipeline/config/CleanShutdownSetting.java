package io.sluice.pipeline.config;

import java.util.Map;

/**
 * The deployment-wide switch {@code FELDERA_CLEAN_SHUTDOWN_ON_SIGTERM}: when truthy
 * ({@link EnvironmentFlag#isTruthy}), SIGTERM checkpoints and suspends before the process exits.
 * Read once, at startup.
 */
public final class CleanShutdownSetting {
    public static final String VARIABLE = "FELDERA_CLEAN_SHUTDOWN_ON_SIGTERM";

    private CleanShutdownSetting() {
    }

    public static boolean fromEnvironment(Map<String, String> environment) {
        return EnvironmentFlag.isTruthy(environment.get(VARIABLE));
    }
}
