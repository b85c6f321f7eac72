package io.coordinator.server.storage;

import static io.coordinator.server.storage.StorageTestSupport.rec;
import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnRecord;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A whole data directory (log, snapshots, epoch file) under power cuts ({@link PowerLossDisk}) that fall anywhere:
 * in an append, a sync, a segment roll, a snapshot write, the purge that follows it, or an epoch store. After each
 * cut, {@link Recovery} (snapshot, then the log after it) must rebuild a state holding every transaction a sync
 * acknowledged, equal to the state after some prefix of what was appended (nothing torn or foreign), and the
 * epochs never go back.
 */
class DataDirPowerLossTest {
    private static final int SEEDS = 15;
    private static final int ROUNDS = 6;

    @TempDir
    Path root;

    @ParameterizedTest
    @EnumSource(PowerLossDisk.Mode.class)
    void recoveryHoldsEveryAcknowledgedTransaction(PowerLossDisk.Mode mode) throws IOException {
        int fromSnapshot = 0;
        for (int seed = 1; seed <= SEEDS; seed++) {
            fromSnapshot += run(seed, mode, root.resolve(mode + "-" + seed));
        }
        assertThat(fromSnapshot).as("recoveries that started from a snapshot").isPositive();
    }

    /** One seed; returns how many recoveries loaded a snapshot. */
    static int run(int seed, PowerLossDisk.Mode mode, Path dir) throws IOException {
        Random random = new Random(seed * 7L + mode.ordinal() * 1_000_003L);
        PowerLossDisk disk = new PowerLossDisk();
        LogOptions options = StorageTestSupport.SMALL
                .withPreallocateBytes(4096)
                .withMaxSegmentTxns(4 + random.nextInt(12))
                .withFaults(disk);
        List<TxnRecord> appended = new ArrayList<>();
        long acked = 0;
        EpochStore.Epochs durableEpochs = new EpochStore.Epochs(0, 0, -1);
        long next = 1;
        int withSnapshot = 0;
        for (int round = 0; round <= ROUNDS; round++) { // the last round only checks the last cut
            String where = "seed " + seed + " round " + round + " " + mode;
            DataDirectory data = DataDirectory.open(dir);
            TxnLog log = null;
            try {
                log = data.openLog(options);
                SnapshotStore snapshots = data.openSnapshots(disk);
                EpochStore epochs = new EpochStore(dir, disk);
                List<Map<String, String>> loaded = new ArrayList<>(List.of(new TreeMap<>()));
                RecoveryResult<Map<String, String>> r = Recovery.recover(
                        snapshots,
                        log,
                        in -> {
                            Map<String, String> m = readState(in);
                            loaded.set(0, m);
                            return m;
                        },
                        rec -> apply(loaded.get(0), rec));
                Map<String, String> state = loaded.get(0);
                if (r.snapshot().isPresent()) {
                    withSnapshot++;
                }
                long last = r.lastZxid();
                assertThat(last)
                        .as(where + ": every acknowledged txn recovered")
                        .isGreaterThanOrEqualTo(acked);
                List<TxnRecord> prefix =
                        appended.stream().filter(t -> t.zxid() <= last).toList();
                assertThat(last == 0 || prefix.get(prefix.size() - 1).zxid() == last)
                        .as(where + ": the last zxid 0x" + Long.toHexString(last) + " was appended")
                        .isTrue();
                Map<String, String> expected = new TreeMap<>();
                prefix.forEach(t -> apply(expected, t));
                assertThat(state)
                        .as(where + ": the state after the appended prefix")
                        .isEqualTo(expected);
                appended = new ArrayList<>(prefix);
                acked = last;
                next = Math.max(next, last + 1);
                EpochStore.Epochs e = epochs.load();
                assertThat(e.accepted())
                        .as(where + ": epochs never go back")
                        .isGreaterThanOrEqualTo(durableEpochs.accepted());
                durableEpochs = e;
                if (round == ROUNDS) {
                    break;
                }

                disk.dieAfter(random.nextInt(40));
                try {
                    for (int i = 0, ops = 2 + random.nextInt(10); i < ops; i++) {
                        int op = random.nextInt(10);
                        if (op < 5) {
                            for (int k = 0, n = 1 + random.nextInt(6); k < n; k++) {
                                TxnRecord t = rec(next, "v" + next + "x".repeat(random.nextInt(300)));
                                log.append(t);
                                appended.add(t);
                                apply(state, t);
                                next += 1 + random.nextInt(2);
                            }
                        } else if (op < 7) {
                            log.sync();
                            acked = log.lastZxid();
                        } else if (op < 9) {
                            // as the server does: a snapshot of applied (here also synced) state, then purge
                            log.sync();
                            acked = log.lastZxid();
                            Map<String, String> copy = new TreeMap<>(state);
                            snapshots.write(acked, out -> writeState(out, copy));
                            OptionalLong oldest = snapshots.retain(1 + random.nextInt(2));
                            if (oldest.isPresent()) {
                                log.purgeBefore(oldest.getAsLong());
                            }
                        } else {
                            EpochStore.Epochs n =
                                    new EpochStore.Epochs(durableEpochs.accepted() + 1, durableEpochs.accepted(), 1);
                            epochs.store(n);
                            durableEpochs = n;
                        }
                    }
                } catch (PowerLossDisk.PowerCut cut) {
                    // the process is dead: nothing more runs
                }
            } finally {
                if (log != null) {
                    log.abandon();
                }
                data.close();
            }
            disk.cut(dir, mode, random);
        }
        return withSnapshot;
    }

    static void apply(Map<String, String> state, TxnRecord r) {
        if (r.txn() instanceof Txn.SetData s) {
            state.put(s.path(), new String(s.data(), StandardCharsets.UTF_8));
        }
    }

    private static void writeState(DataOutput out, Map<String, String> state) throws IOException {
        out.writeInt(state.size());
        for (var e : state.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    private static Map<String, String> readState(DataInput in) throws IOException {
        Map<String, String> state = new TreeMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            state.put(in.readUTF(), in.readUTF());
        }
        return state;
    }
}
