package io.coordinator.server.zab.sim;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs seeds of {@link Sim} for the simulation tests: a failing seed is run again with the trace on
 * (deterministic, so it fails the same way) and reported with the {@code -D<seedProperty>=<seed>} that runs it
 * alone.
 */
final class SimSeeds {
    private final boolean reconfigs;
    private final String seedProperty;

    /** {@code seedProperty}: the system property that names one seed to run alone with the trace. */
    SimSeeds(boolean reconfigs, String seedProperty) {
        this.reconfigs = reconfigs;
        this.seedProperty = seedProperty;
    }

    /** What seeds {@code start..start+seeds-1} added up to. */
    record Totals(int seeds, double ms, long steps, long messages, Sim.Stats stats) {}

    /** Runs the seed the seed property names alone, with the trace on; false if it names none. */
    boolean ranNamedSeed() {
        String one = System.getProperty(seedProperty);
        if (one == null) {
            return false;
        }
        runOne(Long.parseLong(one), true);
        return true;
    }

    Totals run(long start, int seeds) {
        long t0 = System.nanoTime();
        long steps = 0;
        long messages = 0;
        Sim.Stats stats = new Sim.Stats();
        for (long seed = start; seed < start + seeds; seed++) {
            Sim sim = runOne(seed, false);
            steps += sim.steps;
            messages += sim.messagesDelivered;
            stats.add(sim.stats);
        }
        return new Totals(seeds, (System.nanoTime() - t0) / 1e6, steps, messages, stats);
    }

    Sim runOne(long seed, boolean trace) {
        Sim sim = new Sim(seed, trace, reconfigs);
        try {
            sim.run();
            return sim;
        } catch (Sim.SimFailure f) {
            String rerun = "simulation failed; re-run with -D" + seedProperty + "=" + seed + "\n";
            if (!trace) {
                try {
                    new Sim(seed, true, reconfigs).run();
                } catch (Sim.SimFailure traced) {
                    fail(rerun + traced.getMessage(), traced);
                }
                fail("simulation failed only without trace (non-determinism!) seed=" + seed + "\n" + f.getMessage(), f);
            }
            fail(rerun + f.getMessage(), f);
            return sim;
        }
    }
}
