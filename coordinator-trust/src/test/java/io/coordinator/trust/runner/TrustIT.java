package io.coordinator.trust.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The nemesis run against a real 3-node ensemble and an observer (the CI profile: 13 rounds x 17 s by default, every fault kind
 * once or more). Fails on any lost write, linearizability, watch or ephemeral violation, an ensemble that
 * does not recover, or a round that acknowledges fewer than trust.min-acked-writes (100) writes; the figures are in target/trust/summary.md, reports per failing round beside it.
 */
class TrustIT {
    @Test
    void noViolationsUnderFaults() throws Exception {
        List<RoundResult> results = new TrustRunner(RunConfig.fromSystemProperties()).run();
        assertThat(results).isNotEmpty();
        for (RoundResult r : results) {
            assertRoundPassed(r);
        }
    }

    /** The ensemble recovered, the round made progress, and the checker found no violation. */
    static void assertRoundPassed(RoundResult r) {
        assertThat(r.recovered())
                .as("round %d (%s): the ensemble recovered", r.round(), r.injected())
                .isTrue();
        assertThat(r.acknowledgedWrites())
                .as("round %d (%s): writes acknowledged (a round without progress fails)", r.round(), r.injected())
                .isGreaterThanOrEqualTo(r.minAckedWrites());
        assertThat(r.report().violations())
                .as("round %d (%s) violations", r.round(), r.injected())
                .isEmpty();
    }
}
