package io.coordinator.server.storage;

import static io.coordinator.server.storage.StorageTestSupport.rec;
import static io.coordinator.server.storage.StorageTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.TxnRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real transaction log under power cuts ({@link PowerLossDisk}): random rounds of appends, syncs, rolls and ZAB
 * truncations, each ended by a cut that loses, tears, reorders, zeroes or garbles what was not synced. After every
 * cut the log must open and hold every record that was synced (acknowledged), then only records that were appended,
 * in order, each exactly as written: never a torn or stale record. New records appended after recovery must read
 * back after the next cut as well (nothing stale lines up behind them).
 */
class TxnLogPowerLossTest {
    private static final int SEEDS = 25;
    private static final int ROUNDS = 6;

    @TempDir
    Path root;

    @ParameterizedTest
    @EnumSource(PowerLossDisk.Mode.class)
    void recoveryKeepsEverySyncedRecordAndNothingTornOrStale(PowerLossDisk.Mode mode) throws IOException {
        int cutsWithLoss = 0;
        for (int seed = 1; seed <= SEEDS; seed++) {
            cutsWithLoss += run(seed, mode, root.resolve(mode + "-" + seed));
        }
        // the cuts really lost data: otherwise this test checks nothing
        if (mode != PowerLossDisk.Mode.DROP_UNSYNCED || cutsWithLoss == 0) {
            assertThat(cutsWithLoss).as("cuts that lost appended records").isPositive();
        }
    }

    /** One seed: rounds of work and a cut each; returns how many cuts lost appended (unsynced) records. */
    static int run(int seed, PowerLossDisk.Mode mode, Path dir) throws IOException {
        Random random = new Random(seed * 7919L + mode.ordinal());
        PowerLossDisk disk = new PowerLossDisk();
        LogOptions options = StorageTestSupport.SMALL
                .withPreallocateBytes(4096)
                .withMaxSegmentTxns(3 + random.nextInt(20))
                .withFaults(disk);
        List<TxnRecord> log = new ArrayList<>(); // what the log holds as far as the writer knows
        int synced = 0; // log.subList(0, synced) is acknowledged
        long next = 1;
        int lossy = 0;
        for (int round = 0; round <= ROUNDS; round++) { // the last round only checks the last cut
            TxnLog txnLog = TxnLog.open(dir, options);
            try {
                List<TxnRecord> recovered = records(txnLog, 0);
                String where = "seed " + seed + " round " + round + " " + mode;
                assertThat(recovered.size())
                        .as(where + ": records after the cut")
                        .isGreaterThanOrEqualTo(synced);
                assertThat(framed(recovered))
                        .as(where + ": recovered records are the appended ones, in order, exactly")
                        .isEqualTo(framed(log.subList(0, recovered.size())));
                if (recovered.size() < log.size()) {
                    lossy++;
                }
                log = new ArrayList<>(recovered);
                synced = log.size();
                next = Math.max(
                        next, log.isEmpty() ? 1 : log.get(log.size() - 1).zxid() + 1);
                if (round == ROUNDS) {
                    break;
                }
                int ops = 1 + random.nextInt(12);
                for (int i = 0; i < ops; i++) {
                    int op = random.nextInt(10);
                    if (op < 6) {
                        int n = 1 + random.nextInt(8);
                        for (int k = 0; k < n; k++) {
                            TxnRecord r = rec(next, "v" + next + "-" + "x".repeat(random.nextInt(700)));
                            txnLog.append(r);
                            log.add(r);
                            next += 1 + random.nextInt(2);
                        }
                    } else if (op < 8) {
                        txnLog.sync();
                        synced = log.size();
                    } else if (op < 9) {
                        txnLog.roll();
                        synced = log.size();
                    } else if (synced > 0 && log.size() > 1) {
                        // ZAB's TRUNC to an earlier zxid (a follower dropping a proposal the new leader lacks)
                        int keep = random.nextInt(log.size());
                        long to = keep == 0
                                ? log.get(0).zxid() - 1
                                : log.get(keep - 1).zxid();
                        if (to >= txnLog.baseZxid()) {
                            txnLog.truncateAfter(to);
                            log = new ArrayList<>(log.subList(0, keep));
                            synced = log.size();
                        }
                    }
                }
            } finally {
                txnLog.abandon(); // the power goes: no close, no last sync
            }
            disk.cut(dir, mode, random);
        }
        return lossy;
    }

    /** Each record as the log frames it (zxid, then the bytes in hex): equal when every field is. */
    private static List<String> framed(List<TxnRecord> records) {
        return records.stream()
                .map(r -> Long.toHexString(r.zxid()) + ":" + HexFormat.of().formatHex(TxnLog.encode(r)))
                .toList();
    }
}
