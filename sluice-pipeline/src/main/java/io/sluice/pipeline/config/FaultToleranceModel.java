package io.sluice.pipeline.config;

/**
 * {@code fault_tolerance.model}: what a restart after a crash promises about the output.
 *
 * <ul>
 *   <li>{@link #NONE}: checkpoints only when asked ({@code /checkpoint}, {@code /suspend}); input
 *   since the last checkpoint is re-read from the checkpointed positions.</li>
 *   <li>{@link #AT_LEAST_ONCE}: periodic checkpoints; after a crash every input resumes from its
 *   checkpointed position, so output produced since is produced again (duplicates, no loss).</li>
 *   <li>{@link #EXACTLY_ONCE}: periodic checkpoints plus an input journal written (and fsynced) for
 *   every step before its output is released; a restart replays the journaled steps exactly, and
 *   fault-tolerant outputs drop what they already delivered.</li>
 * </ul>
 */
public enum FaultToleranceModel {
    NONE("none"), AT_LEAST_ONCE("at_least_once"), EXACTLY_ONCE("exactly_once");

    private final String configName;

    FaultToleranceModel(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
