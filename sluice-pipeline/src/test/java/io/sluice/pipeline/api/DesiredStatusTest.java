package io.sluice.pipeline.api;

import static io.sluice.pipeline.api.DesiredStatus.Paused;
import static io.sluice.pipeline.api.DesiredStatus.Running;
import static io.sluice.pipeline.api.DesiredStatus.Standby;
import static io.sluice.pipeline.api.DesiredStatus.Suspended;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The transition table of the desired status, cell by cell. */
class DesiredStatusTest {
    @Test
    void runtimeTransitions_withoutActivation() {
        assertAllowed(Standby, false, EnumSet.of(Standby));
        assertAllowed(Paused, false, EnumSet.of(Paused, Running, Suspended));
        assertAllowed(Running, false, EnumSet.of(Paused, Running, Suspended));
        assertAllowed(Suspended, false, EnumSet.of(Suspended));
    }

    @Test
    void activation_isTheOnlyWayOutOfStandby_andNeverToSuspended() {
        assertAllowed(Standby, true, EnumSet.of(Standby, Paused, Running));
        assertAllowed(Paused, true, EnumSet.of(Paused, Running, Suspended));
        assertAllowed(Suspended, true, EnumSet.of(Suspended));
    }

    @Test
    void nothingReturnsToStandby() {
        for (DesiredStatus from : EnumSet.of(Paused, Running, Suspended)) {
            assertThat(from.mayTransitionTo(Standby, true)).as("%s -> Standby", from).isFalse();
        }
    }

    @Test
    void atStartup_aSuspendedPipelineMayOnlyResumePausedOrRunning() {
        assertThat(Suspended.mayTransitionAtStartupTo(Running)).isTrue();
        assertThat(Suspended.mayTransitionAtStartupTo(Paused)).isTrue();
        assertThat(Suspended.mayTransitionAtStartupTo(Standby)).isFalse();
        assertThat(Suspended.mayTransitionAtStartupTo(Suspended)).isFalse();
        assertThat(Standby.mayTransitionAtStartupTo(Running)).isTrue();
        assertThat(Running.mayTransitionAtStartupTo(Paused)).isTrue();
        assertThat(Running.mayTransitionAtStartupTo(Standby)).isFalse();
    }

    @Test
    void fromCli_acceptsLowerCaseNamesAndRejectsOthers() {
        assertThat(DesiredStatus.fromCli("running")).isEqualTo(Running);
        assertThat(DesiredStatus.fromCli("paused")).isEqualTo(Paused);
        assertThat(DesiredStatus.fromCli("standby")).isEqualTo(Standby);
        assertThatThrownBy(() -> DesiredStatus.fromCli("go")).hasMessageContaining("expected running, paused or standby");
    }

    private static void assertAllowed(DesiredStatus from, boolean activating, Set<DesiredStatus> allowed) {
        for (DesiredStatus to : DesiredStatus.values()) {
            assertThat(from.mayTransitionTo(to, activating)).as("%s -> %s (activating=%s)", from, to, activating)
                    .isEqualTo(allowed.contains(to));
        }
    }
}
