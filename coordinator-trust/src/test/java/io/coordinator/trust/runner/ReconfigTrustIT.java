package io.coordinator.trust.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.trust.nemesis.FaultKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Membership changes under the checker: a real 3-voter ensemble with two spares, and rounds of
 * {@link FaultKind#RECONFIG}: zkCli's {@code reconfig -add} grows it to five (a fourth voter and an observer), the
 * leader is SIGKILLed while it is grown and restarted halfway, and {@code reconfig -remove} shrinks it back at
 * heal; the second round adds the servers the first removed. The ordinary workload runs throughout and the checker
 * takes its history, as in TrustIT: any lost write, linearizability, watch or ephemeral violation, an ensemble that
 * does not recover, or a round without progress fails.
 */
class ReconfigTrustIT {
    static final int ROUNDS = Integer.getInteger("trust.reconfig.rounds", 2);
    static final int ROUND_SECONDS = Integer.getInteger("trust.reconfig.round-seconds", 20);

    @Test
    void noViolationsWhileTheEnsembleGrowsAndShrinks() throws Exception {
        RunConfig base = RunConfig.fromSystemProperties();
        RunConfig cfg = new RunConfig(
                ROUNDS,
                ROUND_SECONDS,
                3,
                0,
                base.clients(),
                base.seed(),
                List.of(FaultKind.RECONFIG),
                base.jar(),
                base.out().resolveSibling("trust-reconfig"),
                base.tickMs(),
                base.sessionTimeoutMs(),
                base.minAckedWrites(),
                "");
        List<RoundResult> results = new TrustRunner(cfg).run();
        assertThat(results).hasSize(ROUNDS);
        for (RoundResult r : results) {
            assertThat(r.injected()).contains("reconfig -add");
            TrustIT.assertRoundPassed(r);
        }
    }
}
