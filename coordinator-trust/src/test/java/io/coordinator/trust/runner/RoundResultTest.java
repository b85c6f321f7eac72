package io.coordinator.trust.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.trust.check.Checker;
import io.coordinator.trust.nemesis.FaultKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A round passes only with no violation, a recovered ensemble and progress (enough acknowledged writes). */
class RoundResultTest {
    private static RoundResult round(long ackedWrites, boolean recovered) {
        return new RoundResult(
                1,
                FaultKind.KILL_LEADER,
                "kill the leader",
                ackedWrites * 3,
                ackedWrites,
                0,
                0,
                100,
                -1,
                recovered,
                100,
                new Checker.Report(List.of(), List.of(), 0));
    }

    @Test
    void aRoundWithoutProgressFailsAndSaysWhy() {
        RoundResult stuck = round(99, true);
        assertThat(stuck.progressed()).isFalse();
        assertThat(stuck.ok()).isFalse();
        assertThat(stuck.row()).contains("NO (under 100 acked writes)");
    }

    @Test
    void aRoundThatProgressedAndRecoveredWithoutViolationsPasses() {
        assertThat(round(100, true).ok()).isTrue();
        assertThat(round(100, false).ok()).isFalse();
    }
}
