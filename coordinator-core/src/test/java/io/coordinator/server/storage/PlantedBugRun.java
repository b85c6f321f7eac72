package io.coordinator.server.storage;

import io.coordinator.server.planted.PlantedBug;
import io.coordinator.server.zab.sim.Sim;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs one checker over {@code seeds} seeds in this JVM, with whatever bug {@code -Dcoordinator.plant} planted
 * ({@link PlantedBug}): exit status 0 if it passed, 1 if it failed (its assertions, a refused recovery or the simulator's invariants caught a
 * violation), 2 if the run broke otherwise (which proves nothing), with one line saying which.
 * Used by {@link PlantedBugsTest}, one JVM per planted bug (a planted bug is a constant fixed at class load).
 */
public final class PlantedBugRun {
    private PlantedBugRun() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("planted-");
        int status;
        try {
            run(args[0], Integer.parseInt(args[1]), dir);
            System.out.println("PASSED " + args[0] + " with bug '" + PlantedBug.name() + "'");
            status = 0;
        } catch (Throwable t) {
            String first = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
            System.out.println("CAUGHT " + args[0] + " with bug '" + PlantedBug.name() + "': "
                    + t.getClass().getSimpleName() + ": " + first);
            status = 1;
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        System.exit(status);
    }

    /** Runs {@code checker} (optionally {@code name:MODE} for one power-loss mode); throws if it finds a violation. */
    static void run(String checker, int seeds, Path dir) throws Exception {
        String[] parts = checker.split(":");
        List<PowerLossDisk.Mode> modes =
                parts.length > 1 ? List.of(PowerLossDisk.Mode.valueOf(parts[1])) : List.of(PowerLossDisk.Mode.values());
        for (int seed = 1; seed <= seeds; seed++) {
            for (PowerLossDisk.Mode mode : modes) {
                Path d = dir.resolve(parts[0] + "-" + mode + "-" + seed);
                switch (parts[0]) {
                    case "txnlog-power-loss" -> TxnLogPowerLossTest.run(seed, mode, d);
                    case "txnlog-kill-power-loss" -> TxnLogKillThenPowerLossTest.run(seed, mode, d);
                    case "group-commit-power-loss" -> GroupCommitPowerLossTest.run(seed, mode, d);
                    case "epoch-power-loss" -> EpochPowerLossTest.run(seed, mode, d);
                    case "snapshot-power-loss" -> SnapshotPowerLossTest.run(seed, mode, d);
                    case "data-dir-power-loss" -> DataDirPowerLossTest.run(seed, mode, d);
                    case "zab-simulation" -> new Sim(seed, false).run();
                    default -> throw new IllegalArgumentException("no checker " + checker);
                }
                if (parts[0].equals("zab-simulation")) {
                    break; // no disk modes
                }
            }
        }
    }
}
