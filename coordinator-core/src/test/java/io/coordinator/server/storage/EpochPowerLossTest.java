package io.coordinator.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real epoch file under power cuts ({@link PowerLossDisk}) that fall anywhere inside a store (before or after
 * the temp file's fsync, the rename, the directory's fsync). After every cut the file loads (never torn), holding
 * either the last epochs a store reported durable or the ones being stored at the cut: an epoch never goes back.
 */
class EpochPowerLossTest {
    private static final int SEEDS = 20;
    private static final int ROUNDS = 6;

    @TempDir
    Path root;

    @ParameterizedTest
    @EnumSource(PowerLossDisk.Mode.class)
    void anEpochReportedDurableNeverGoesBackAndTheFileIsNeverTorn(PowerLossDisk.Mode mode) throws IOException {
        int sawNew = 0;
        for (int seed = 1; seed <= SEEDS; seed++) {
            sawNew += run(seed, mode, root.resolve(mode + "-" + seed));
        }
        if (mode != PowerLossDisk.Mode.DROP_UNSYNCED) {
            assertThat(sawNew)
                    .as("cuts after which a store in flight had landed")
                    .isPositive();
        }
    }

    /** One seed; returns how many cuts left the epochs of a store that had not returned. */
    static int run(int seed, PowerLossDisk.Mode mode, Path dir) throws IOException {
        Random random = new Random(seed * 131L + mode.ordinal());
        Files.createDirectories(dir);
        PowerLossDisk disk = new PowerLossDisk();
        EpochStore.Epochs durable = new EpochStore.Epochs(0, 0, -1);
        int landed = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String where = "seed " + seed + " round " + round + " " + mode;
            EpochStore store = new EpochStore(dir, disk);
            List<EpochStore.Epochs> inFlight = new ArrayList<>();
            EpochStore.Epochs loaded = store.load();
            assertThat(loaded.accepted())
                    .as(where + ": acceptedEpoch never goes back")
                    .isGreaterThanOrEqualTo(durable.accepted());
            assertThat(loaded.current())
                    .as(where + ": currentEpoch never goes back")
                    .isGreaterThanOrEqualTo(durable.current());
            durable = loaded;
            disk.dieAfter(random.nextInt(4 * 4));
            try {
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    EpochStore.Epochs e = random.nextBoolean()
                            ? new EpochStore.Epochs(durable.accepted() + 1, durable.current(), random.nextInt(5))
                            : new EpochStore.Epochs(durable.accepted(), durable.accepted(), durable.acceptedFrom());
                    if (e.equals(durable)) {
                        e = new EpochStore.Epochs(e.accepted() + 1, e.current(), e.acceptedFrom());
                    }
                    inFlight.add(e);
                    store.store(e);
                    durable = e;
                    inFlight.clear();
                }
            } catch (PowerLossDisk.PowerCut cut) {
                // the store in flight may or may not have landed
            }
            disk.cut(dir, mode, random);
            EpochStore.Epochs after = new EpochStore(dir).load();
            assertThat(List.of(durable, inFlight.isEmpty() ? durable : inFlight.get(0)))
                    .as(where + ": after the cut the epochs are the durable ones or those in flight")
                    .contains(after);
            if (!inFlight.isEmpty() && after.equals(inFlight.get(0))) {
                landed++;
            }
        }
        return landed;
    }
}
