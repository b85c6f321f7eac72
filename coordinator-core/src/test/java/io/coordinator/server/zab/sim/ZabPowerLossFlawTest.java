package io.coordinator.server.zab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulation catches power-loss bugs: with a storage model that is wrong in a way real storage code has been
 * ({@link SimDisk.Flaw}), a violation is reported within a few seeds. The same seeds pass with the right model
 * ({@link ZabSimulationTest} runs them). The planted-bug harness's counterpart for the simulator's disk.
 */
class ZabPowerLossFlawTest {
    static final int MAX_SEEDS = 50;

    @ParameterizedTest
    @EnumSource(value = SimDisk.Flaw.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void theSimulationReportsAViolationWithinAFewSeeds(SimDisk.Flaw flaw) {
        for (long seed = 0; seed < MAX_SEEDS; seed++) {
            try {
                new Sim(seed, false, false, flaw).run();
            } catch (Sim.SimFailure f) {
                String first = f.getMessage().lines().findFirst().orElse("");
                System.out.printf("zab sim flaw %s: caught at seed %d: %s%n", flaw, seed, first);
                assertThat(first).contains(expected(flaw));
                return;
            }
        }
        throw new AssertionError(flaw + " survived " + MAX_SEEDS + " seeds");
    }

    /** The invariant each flaw breaks first. */
    private static String expected(SimDisk.Flaw flaw) {
        return switch (flaw) {
            // a restarted node votes for (or reports) records the page cache held but no fsync made durable
            case OPEN_SKIPS_FSYNC -> "but its disk is durable only to";
            // the garbled record is applied (or sent to others, who apply it)
            case TORN_RECORD_KEPT -> "that was never proposed";
            case NONE -> throw new IllegalArgumentException();
        };
    }
}
