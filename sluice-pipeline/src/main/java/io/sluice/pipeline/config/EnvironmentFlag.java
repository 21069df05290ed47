package io.sluice.pipeline.config;

import java.util.Locale;

/** The truth rule of Feldera's boolean environment variables. */
public final class EnvironmentFlag {
    private EnvironmentFlag() {
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
}
