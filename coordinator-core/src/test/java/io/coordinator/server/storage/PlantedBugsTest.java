package io.coordinator.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.planted.PlantedBug;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planted-bug harness: each bug of {@link PlantedBug} is planted in its own JVM ({@code -Dcoordinator.plant}) and
 * the checker that should catch it is run there; it must fail. The same checker with the same seeds passes here,
 * where nothing is planted. Prints the kill table; any bug that survives fails the build.
 */
class PlantedBugsTest {
    /** A bug, the checker that must catch it, and the seeds it gets. */
    record Plant(String bug, String checker, int seeds) {}

    static final List<Plant> PLANTS = List.of(
            new Plant("log-sync-skips-fsync", "txnlog-power-loss:DROP_UNSYNCED", 5),
            new Plant("log-sync-without-flush", "txnlog-power-loss:DROP_UNSYNCED", 5),
            new Plant("trunc-one-too-many", "txnlog-power-loss:DROP_UNSYNCED", 5),
            new Plant("segment-created-in-place", "data-dir-power-loss:SECTORS", 30),
            new Plant("ack-before-fsync", "group-commit-power-loss:DROP_UNSYNCED", 5),
            new Plant("epoch-skips-fsync", "epoch-power-loss:KEEP_PREFIX", 10),
            new Plant("snapshot-skips-dir-fsync", "snapshot-power-loss:DROP_UNSYNCED", 10),
            new Plant("follower-applies-uncommitted", "zab-simulation", 200),
            new Plant("log-open-skips-fsync", "txnlog-kill-power-loss:DROP_UNSYNCED", 5));

    @TempDir
    Path dir;

    @Test
    void everyPlantedBugIsCaughtByItsCheckerWhichPassesWithoutIt() throws Exception {
        assertThat(PLANTS.stream().map(Plant::bug))
                .as(
                        "every plantable bug but the trust harness's (coordinator-trust's PlantedBugsTrustIT) has a checker")
                .containsExactlyElementsOf(PlantedBug.ALL.stream()
                        .filter(b -> !PlantedBug.TRUST.contains(b))
                        .toList());
        assertThat(PlantedBug.name())
                .as("nothing planted in the suite's own JVM")
                .isEmpty();
        Map<String, String> table = new LinkedHashMap<>();
        List<String> survivors = new ArrayList<>();
        for (Plant p : PLANTS) {
            long t0 = System.nanoTime();
            Result r = runPlanted(p);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            table.put(
                    p.bug(),
                    (r.caught ? "caught  " : "SURVIVED") + "  " + p.checker() + " (" + p.seeds() + " seeds, " + ms
                            + " ms): " + r.line);
            if (!r.caught) {
                survivors.add(p.bug());
            }
        }
        StringBuilder sb = new StringBuilder(
                "planted-bug kill table, " + (PLANTS.size() - survivors.size()) + "/" + PLANTS.size() + " caught:\n");
        table.forEach((bug, row) -> sb.append(String.format("  %-30s %s%n", bug, row)));
        System.out.print(sb);
        assertThat(survivors).as(sb.toString()).isEmpty();

        // without the bug, the same checkers with the same seeds pass (here: nothing is planted in this JVM)
        for (Plant p : PLANTS) {
            if (PLANTS.stream()
                            .filter(q -> q.checker().equals(p.checker()) && q.seeds() == p.seeds())
                            .findFirst()
                            .get()
                    == p) {
                PlantedBugRun.run(p.checker(), p.seeds(), dir.resolve(p.bug()));
            }
        }
    }

    private record Result(boolean caught, String line) {}

    private static Result runPlanted(Plant p) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process proc = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dcoordinator.plant=" + p.bug(),
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=off",
                        PlantedBugRun.class.getName(),
                        p.checker(),
                        String.valueOf(p.seeds()))
                .redirectErrorStream(true)
                .start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = proc.waitFor();
        String line = out.lines()
                .filter(l -> l.startsWith("CAUGHT") || l.startsWith("PASSED"))
                .findFirst()
                .orElse("no result line; exit " + status + "; output ends: "
                        + out.substring(Math.max(0, out.length() - 500)));
        return new Result(status == 1 && line.startsWith("CAUGHT"), line);
    }
}
