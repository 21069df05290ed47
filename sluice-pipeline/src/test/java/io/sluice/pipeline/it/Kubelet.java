package io.sluice.pipeline.it;

import java.time.Duration;

/**
 * Terminates a pod's process the way the kubelet does: SIGTERM, wait up to the grace period, then
 * SIGKILL.
 */
final class Kubelet {
    /** How the process ended. */
    record Termination(int exitCode, boolean killed) {}

    private Kubelet() {
    }

    static Termination terminate(PipelineProcess p, Duration gracePeriod) throws Exception {
        p.signal("TERM");
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        while (p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (p.isAlive()) {
            // The process may exit between the check and the signal (then kill finds no such
            // process): it ended by itself within the grace period, as the kubelet would also see.
            if (p.trySignal("KILL") == 0) {
                return new Termination(p.awaitExit(Duration.ofSeconds(30)), true);
            }
            if (p.isAlive()) {
                throw new AssertionError("kill -KILL failed but the process is still running");
            }
        }
        return new Termination(p.awaitExit(Duration.ofSeconds(1)), false);
    }
}
