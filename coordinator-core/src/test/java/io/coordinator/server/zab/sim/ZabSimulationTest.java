package io.coordinator.server.zab.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The main test of the ZAB core: many seeds of {@link Sim} (3 or 5 voters, sometimes an observer, chosen by the
 * seed), every crash in one of the power-loss or kill modes of {@link SimDisk.CrashMode} (counted in the totals
 * line, each of which must occur). {@code -Dzab.sim.seeds=N} runs N seeds (default 6000), {@code -Dzab.sim.seed=S} runs seed S alone with a
 * trace, {@code -Dzab.sim.start=S} shifts the first seed.
 */
class ZabSimulationTest {
    private static final SimSeeds SEEDS = new SimSeeds(false, "zab.sim.seed");

    @Test
    @DisplayName("deterministic simulation: seeds of 3- and 5-node ensembles (+observer) under chaos converge safely")
    void simulate() {
        if (SEEDS.ranNamedSeed()) {
            return;
        }
        SimSeeds.Totals t = SEEDS.run(Long.getLong("zab.sim.start", 0L), Integer.getInteger("zab.sim.seeds", 6000));
        Sim.Stats s = t.stats();
        System.out.printf(
                "zab sim: %d seeds in %.1f s (%.2f ms/seed), %d steps, %d messages, %d proposals, "
                        + "%d crashes, %d established leaders, %d DIFF / %d TRUNC / %d SNAP syncs, %d snapshot installs, "
                        + "%d log truncations, %d epoch refusals; %s%n",
                t.seeds(),
                t.ms() / 1000,
                t.ms() / t.seeds(),
                t.steps(),
                t.messages(),
                s.proposals,
                s.crashes,
                s.leaderships,
                s.diffs,
                s.truncMessages,
                s.snapMessages,
                s.snaps,
                s.truncs,
                s.epochRefused,
                s.crashModes());
        assertCrashModesExercised(s);
    }

    @Test
    @DisplayName("every server of a run is driven by its ReadyExecutor, the class production runs Readies with")
    void readiesGoThroughTheExecutor() {
        Sim sim = SEEDS.runOne(2, false); // 3 voters and an observer
        for (int i = 1; i <= sim.n; i++) {
            assertTrue(sim.servers[i].executor.carriedOut() > 0, "server " + i + " carried out no Ready");
        }
    }

    /** Every crash mode happened and the partial ones really kept part of an unsynced tail: else they test nothing. */
    static void assertCrashModesExercised(Sim.Stats s) {
        if (s.crashes < 1000) {
            return; // a short run (one seed, a few seeds) proves nothing either way
        }
        for (SimDisk.CrashMode m : SimDisk.CrashMode.values()) {
            assertTrue(s.crashModes.getOrDefault(m, 0L) > 0, "no crash in mode " + m);
        }
        assertTrue(
                s.unsyncedKept > 0 && s.tornRecords > 0, "no crash kept or tore an unsynced record: " + s.crashModes());
        // and fsyncs in flight across a cut of the log happened, whose reports the core must ignore
        assertTrue(s.staleFsyncReports > 0, "no fsync report from before a cut of the log: " + s.crashModes());
    }
}
