package io.coordinator.server.storage;

import static io.coordinator.server.storage.StorageTestSupport.rec;
import static io.coordinator.server.storage.StorageTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.TxnRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A kill, then a power cut: a {@code SIGKILL} keeps the page cache, so the restarted log reads records that were
 * never fsynced, and ZAB takes everything the opened log holds as durable (a vote, FOLLOWERINFO and a new leader's
 * own ack of NEWLEADER advertise it). So whatever the log reports durable after it opens must survive a power cut
 * that follows; found by the ZAB simulator's KILL crash mode ({@code SimDisk}), fixed by forcing the last segment
 * at open.
 */
class TxnLogKillThenPowerLossTest {
    private static final int SEEDS = 8;
    private static final int ROUNDS = 6;

    @TempDir
    Path root;

    @ParameterizedTest
    @EnumSource(PowerLossDisk.Mode.class)
    void whatTheReopenedLogReportsDurableSurvivesTheNextPowerCut(PowerLossDisk.Mode mode) throws IOException {
        int killsThatKeptUnsynced = 0;
        for (int seed = 1; seed <= SEEDS; seed++) {
            killsThatKeptUnsynced += run(seed, mode, root.resolve(mode + "-" + seed));
        }
        assertThat(killsThatKeptUnsynced)
                .as("kills after which unsynced records were read back")
                .isPositive();
    }

    /**
     * One seed: rounds of appends and syncs, each ended by a kill (the files stay as written) or a power cut.
     * Returns how many reopenings after a kill read records that had not been synced.
     */
    static int run(int seed, PowerLossDisk.Mode mode, Path dir) throws IOException {
        Random random = new Random(seed * 31L + mode.ordinal());
        PowerLossDisk disk = new PowerLossDisk();
        LogOptions options = StorageTestSupport.SMALL
                .withPreallocateBytes(4096)
                .withMaxSegmentTxns(3 + random.nextInt(20))
                .withFaults(disk);
        long durable = 0; // the highest zxid the log ever reported durable
        long synced = 0; // the highest zxid a sync made durable
        long next = 1;
        int keptByKill = 0;
        boolean killed = false;
        for (int round = 0; round <= ROUNDS; round++) {
            TxnLog log = TxnLog.open(dir, options);
            try {
                String where = "seed " + seed + " round " + round + " " + mode;
                List<TxnRecord> recovered = records(log, 0);
                long last = recovered.isEmpty()
                        ? 0
                        : recovered.get(recovered.size() - 1).zxid();
                assertThat(last)
                        .as(where + ": the log after the cut holds what it reported durable before it")
                        .isGreaterThanOrEqualTo(durable);
                if (killed && last > synced) {
                    keptByKill++;
                }
                durable = Math.max(durable, log.durableZxid());
                synced = last;
                next = last + 1;
                if (round == ROUNDS) {
                    break;
                }
                int ops = 1 + random.nextInt(6);
                for (int i = 0; i < ops; i++) {
                    int n = 1 + random.nextInt(6);
                    for (int k = 0; k < n; k++) {
                        log.append(rec(next, "v" + next + "-" + "x".repeat(random.nextInt(500))));
                        next++;
                    }
                    if (random.nextInt(3) == 0) {
                        log.sync();
                        synced = next - 1;
                        durable = Math.max(durable, log.durableZxid());
                    }
                }
                log.append(rec(next, "unsynced")); // always something unsynced at the end: flushed, not forced
                next++;
                records(log, 0); // a read hands the buffer to the OS (as a leader's reads for a DIFF do)
            } finally {
                log.abandon();
            }
            killed = random.nextBoolean();
            if (!killed) {
                disk.cut(dir, mode, random);
            }
        }
        return keptByKill;
    }
}
