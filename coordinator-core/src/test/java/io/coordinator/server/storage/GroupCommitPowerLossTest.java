package io.coordinator.server.storage;

import static io.coordinator.server.storage.StorageTestSupport.rec;
import static io.coordinator.server.storage.StorageTestSupport.zxids;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Group commit (the server's write path: append, fsync, then acknowledge) under power cuts ({@link PowerLossDisk})
 * that kill its thread at any hook call, while records keep arriving: after the cut every record whose callback ran
 * (the client's acknowledgement) is in the log.
 */
class GroupCommitPowerLossTest {
    private static final int SEEDS = 12;
    private static final int ROUNDS = 4;

    @TempDir
    Path root;

    @ParameterizedTest
    @EnumSource(PowerLossDisk.Mode.class)
    void everyAcknowledgedRecordSurvivesTheCut(PowerLossDisk.Mode mode) throws Exception {
        for (int seed = 1; seed <= SEEDS; seed++) {
            run(seed, mode, root.resolve(mode + "-" + seed));
        }
    }

    static void run(int seed, PowerLossDisk.Mode mode, Path dir)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        Random random = new Random(seed * 1_000_033L + mode.ordinal());
        PowerLossDisk disk = new PowerLossDisk();
        LogOptions options = StorageTestSupport.SMALL
                .withPreallocateBytes(4096)
                .withMaxSegmentTxns(5 + random.nextInt(20))
                .withFaults(disk);
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        long next = 1;
        for (int round = 0; round <= ROUNDS; round++) { // the last round only checks the last cut
            String where = "seed " + seed + " round " + round + " " + mode;
            TxnLog log = TxnLog.open(dir, options);
            List<Long> present = zxids(log, 0);
            assertThat(present)
                    .as(where + ": every acknowledged record survives")
                    .containsAll(acked);
            acked.clear();
            acked.addAll(present); // the disk holds them now
            next = Math.max(next, log.lastZxid() + 1);
            if (round == ROUNDS) {
                log.close();
                break;
            }
            CompletableFuture<Throwable> died = new CompletableFuture<>();
            GroupCommitLog group = new GroupCommitLog(log, died::complete);
            disk.dieAfter(random.nextInt(30));
            try {
                for (int i = 0, n = 5 + random.nextInt(60); i < n && !died.isDone(); i++) {
                    long z = next++;
                    group.submit(rec(z, "v" + z + "x".repeat(random.nextInt(400))), () -> acked.add(z));
                    if (random.nextInt(3) == 0) {
                        group.flush(); // a batch of its own: cuts fall in its fsync as often as in a roll
                    }
                }
                disk.dieAfter(0); // if it has not died yet, at its next write
                long z = next++;
                group.submit(rec(z), () -> acked.add(z));
            } catch (IllegalStateException | IOException alreadyDead) {
                // the group commit thread died meanwhile
            }
            assertThat(died.get(30, TimeUnit.SECONDS)).isInstanceOf(PowerLossDisk.PowerCut.class);
            log.abandon();
            disk.cut(dir, mode, random);
        }
    }
}
