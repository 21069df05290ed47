package io.sluice.pipeline.api;

import java.util.Locale;

/**
 * What was asked of the pipeline, kept apart from what it is doing. Serialized in PascalCase in
 * JSON ({@code "Running"}), lower case on the command line ({@code --initial running}).
 */
public enum DesiredStatus {
    Standby, Paused, Running, Suspended;

    /** Parses the lower-case CLI form; throws IllegalArgumentException naming the accepted values. */
    public static DesiredStatus fromCli(String value) {
        for (DesiredStatus s : values()) {
            if (s.name().toLowerCase(Locale.ROOT).equals(value.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status '" + value + "' (expected running, paused or standby)");
    }

    /**
     * The transition table of a running process: Standby is left only through activation, Suspended
     * is final, Paused and Running move freely between each other and to Suspended. Staying put is
     * always allowed.
     */
    public boolean mayTransitionTo(DesiredStatus target, boolean activating) {
        if (this == target) {
            return true;
        }
        return switch (this) {
            case Standby -> activating && (target == Paused || target == Running);
            case Paused, Running -> target == Paused || target == Running || target == Suspended;
            case Suspended -> false;
        };
    }

    /**
     * The rules for a new deployment starting on storage whose {@code status.json} says {@code this}: a
     * suspended pipeline may be started Paused or Running; otherwise the runtime rules apply, with
     * Standby allowed to become Paused or Running.
     */
    public boolean mayTransitionAtStartupTo(DesiredStatus target) {
        if (this == Suspended) {
            return target == Paused || target == Running;
        }
        return mayTransitionTo(target, true);
    }
}
