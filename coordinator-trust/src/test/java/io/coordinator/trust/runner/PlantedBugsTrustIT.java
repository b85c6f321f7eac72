package io.coordinator.trust.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.trust.check.Violation;
import io.coordinator.trust.nemesis.FaultKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The trust harness's kill table: each bug of coordinator-core's {@code PlantedBug.TRUST} is planted in every
 * server of a fresh 3-node ensemble (real processes), and one short round of the ordinary workload under a fault
 * that gives it a chance must report it, in the category of the checker that should see it (a round that fails
 * otherwise, e.g. without progress, does not count). Prints the table; a bug that survives fails the build. The
 * same rounds without a plant are TrustIT's (every check, every fault kind); {@code -Dtrust.planted.controls=true}
 * also runs each row's round unplanted here, which must then pass.
 */
class PlantedBugsTrustIT {
    /** A planted bug, the fault its round injects, and the checker category that must report it. */
    record Plant(String bug, FaultKind fault, Violation.Category caughtAs) {}

    static final List<Plant> PLANTS = List.of(
            new Plant("follower-read-ahead-of-sync", FaultKind.SLOW_FSYNC_FOLLOWER, Violation.Category.LINEARIZABILITY),
            new Plant("watch-event-dropped", FaultKind.KILL_FOLLOWER, Violation.Category.WATCH),
            new Plant("expiry-keeps-ephemerals", FaultKind.KILL_FOLLOWER, Violation.Category.EPHEMERAL),
            new Plant("replies-out-of-order", FaultKind.KILL_FOLLOWER, Violation.Category.REPLY_ORDER));

    /** Long enough for a fault of at least 7 s to sit inside the round. */
    static final int ROUND_SECONDS = Integer.getInteger("trust.planted.round-seconds", 10);

    @Test
    void everyPlantedBugIsReportedByTheHarness() throws Exception {
        List<String> only = Arrays.stream(
                        System.getProperty("trust.planted", "all").split(","))
                .map(String::trim)
                .toList();
        boolean controls = Boolean.getBoolean("trust.planted.controls");
        StringBuilder table = new StringBuilder();
        List<String> survivors = new ArrayList<>();
        List<String> failedControls = new ArrayList<>();
        int run = 0;
        for (Plant p : PLANTS) {
            if (!only.contains("all") && !only.contains(p.bug())) {
                continue;
            }
            run++;
            long t0 = System.nanoTime();
            RoundResult r = round(p, p.bug());
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            long hits = r.report().count(p.caughtAs());
            if (hits == 0) {
                survivors.add(p.bug());
            }
            String first = r.report().violations().stream()
                    .filter(v -> v.category() == p.caughtAs())
                    .map(Violation::message)
                    .findFirst()
                    .orElse("-");
            table.append(String.format(
                    "  %-28s %-8s %-20s %-16s %3d violation(s), %3d s: %s%n",
                    p.bug(), hits > 0 ? "caught" : "SURVIVED", p.fault(), p.caughtAs(), hits, seconds, first));
            if (controls) {
                RoundResult c = round(p, "");
                table.append(String.format(
                        "  %-28s %-8s %-20s (no plant) %d violation(s)%s%n",
                        "  control",
                        c.ok() ? "passed" : "FAILED",
                        p.fault(),
                        c.report().violations().size(),
                        c.progressed() && c.recovered() ? "" : " (no progress or not recovered)"));
                if (!c.ok()) {
                    failedControls.add(p.bug());
                }
            }
        }
        String report =
                "trust-level planted-bug kill table, " + (run - survivors.size()) + "/" + run + " caught:\n" + table;
        System.out.print(report);
        assertThat(survivors).as(report).isEmpty();
        assertThat(failedControls).as(report).isEmpty();
    }

    /** One round of {@code p}'s fault with {@code plant} ("" for none) in every server. */
    private static RoundResult round(Plant p, String plant) throws Exception {
        RunConfig base = RunConfig.fromSystemProperties();
        Path out = base.out().resolveSibling("trust-planted").resolve(plant.isEmpty() ? p.bug() + "-control" : plant);
        RunConfig cfg = new RunConfig(
                1,
                ROUND_SECONDS,
                3,
                0,
                base.clients(),
                base.seed(),
                List.of(p.fault()),
                base.jar(),
                out,
                base.tickMs(),
                base.sessionTimeoutMs(),
                // a planted bug may well stall the round (only its checker's report counts); a control round is
                // shorter than TrustIT's, so it needs fewer acknowledged writes to count as progress
                plant.isEmpty() ? Math.min(base.minAckedWrites(), 50) : 0,
                plant);
        List<RoundResult> results = new TrustRunner(cfg).run();
        assertThat(results).hasSize(1);
        return results.get(0);
    }
}
