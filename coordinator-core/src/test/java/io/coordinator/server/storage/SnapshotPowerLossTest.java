package io.coordinator.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real snapshot store under power cuts ({@link PowerLossDisk}) that fall anywhere: inside a write (before or
 * after the temp file's fsync, the rename or the directory's fsync) or a retain. After every cut each snapshot file
 * present reads back exactly as written (never torn, never another's bytes), and the newest snapshot a write
 * reported durable (or a newer one) is still there and loads.
 */
class SnapshotPowerLossTest {
    private static final int SEEDS = 30;
    private static final int ROUNDS = 6;

    @TempDir
    Path root;

    @ParameterizedTest
    @EnumSource(PowerLossDisk.Mode.class)
    void recoveryFindsTheNewestDurableSnapshotIntactAndNothingTorn(PowerLossDisk.Mode mode) throws IOException {
        int midOperation = 0;
        for (int seed = 1; seed <= SEEDS; seed++) {
            midOperation += run(seed, mode);
        }
        assertThat(midOperation).as("cuts inside a write or retain").isPositive();
    }

    /** One seed: rounds of writes and retains, each ended by a cut; returns how many cuts fell inside an operation. */
    static int run(int seed, PowerLossDisk.Mode mode, Path dir) throws IOException {
        Random random = new Random(seed * 31L + mode.ordinal());
        PowerLossDisk disk = new PowerLossDisk();
        Map<Long, byte[]> written = new HashMap<>();
        long durable = 0; // the newest zxid whose write returned
        long next = 1;
        int mid = 0;
        for (int round = 0; round <= ROUNDS; round++) { // the last round only checks the last cut
            String where = "seed " + seed + " round " + round + " " + mode;
            SnapshotStore store = new SnapshotStore(dir, disk);
            for (long z : store.snapshotZxids()) {
                assertThat(store.load(dir.resolve(SnapshotStore.fileName(z)), z, SnapshotPowerLossTest::bytes))
                        .as(where + ": snapshot 0x" + Long.toHexString(z) + " reads back as written")
                        .isEqualTo(written.get(z));
            }
            Optional<LoadedSnapshot<byte[]>> latest = store.loadLatest(SnapshotPowerLossTest::bytes);
            if (durable > 0) {
                assertThat(latest).as(where + ": a snapshot loads").isPresent();
                assertThat(latest.get().zxid())
                        .as(where + ": the newest durable snapshot is kept")
                        .isGreaterThanOrEqualTo(durable);
            }
            durable = latest.map(LoadedSnapshot::zxid).orElse(0L);
            if (round == ROUNDS) {
                break;
            }
            disk.dieAfter(random.nextInt(14));
            try {
                int ops = 1 + random.nextInt(4);
                for (int i = 0; i < ops; i++) {
                    if (random.nextInt(4) == 0) {
                        store.retain(1 + random.nextInt(2));
                    } else {
                        long z = next;
                        next += 1 + random.nextInt(5);
                        byte[] content = new byte[random.nextInt(3000)];
                        random.nextBytes(content);
                        written.put(z, content);
                        store.write(z, out -> {
                            out.writeInt(content.length);
                            out.write(content);
                        });
                        durable = z;
                    }
                }
            } catch (PowerLossDisk.PowerCut cut) {
                mid++;
            }
            disk.cut(dir, mode, random);
        }
        return mid;
    }

    private int run(int seed, PowerLossDisk.Mode mode) throws IOException {
        return run(seed, mode, root.resolve(mode + "-" + seed));
    }

    private static byte[] bytes(java.io.DataInput in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }
}
