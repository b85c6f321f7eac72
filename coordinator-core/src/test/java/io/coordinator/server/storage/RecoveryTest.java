package io.coordinator.server.storage;

import static io.coordinator.server.storage.StorageTestSupport.SMALL;
import static io.coordinator.server.storage.StorageTestSupport.flipByte;
import static io.coordinator.server.storage.StorageTestSupport.range;
import static io.coordinator.server.storage.StorageTestSupport.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.protocol.TxnRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery = newest valid snapshot + every later log record, in order. */
class RecoveryTest {
    private static final LogOptions FIVE_PER_SEGMENT = SMALL.withMaxSegmentTxns(5);

    @TempDir
    Path tmp;

    /** Toy state machine: the list of applied zxids; tolerant of re-applied txns. */
    static final class State {
        final List<Long> applied = new ArrayList<>();

        void apply(TxnRecord r) {
            if (applied.isEmpty() || r.zxid() > applied.get(applied.size() - 1)) {
                applied.add(r.zxid());
            }
        }

        SnapshotContent content() {
            List<Long> copy = List.copyOf(applied);
            return out -> {
                out.writeInt(copy.size());
                for (long z : copy) {
                    out.writeLong(z);
                }
            };
        }

        static SnapshotLoader<State> loader() {
            return in -> {
                State s = new State();
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    s.applied.add(in.readLong());
                }
                return s;
            };
        }
    }

    private Path root() {
        return tmp.resolve("data");
    }

    /** Appends records from..to (applying each to {@code state} unless null) and syncs. */
    private static void appendSynced(TxnLog log, long from, long to, State state) throws IOException {
        for (long z = from; z <= to; z++) {
            log.append(rec(z));
            if (state != null) {
                state.apply(rec(z));
            }
        }
        log.sync();
    }

    /** What recovery of the data directory gives: the result and the state it rebuilt. */
    private record Recovered(RecoveryResult<State> result, State state) {}

    private Recovered recoverData(LogOptions opts) throws IOException {
        try (DataDirectory dd = DataDirectory.open(root())) {
            State[] holder = new State[1];
            RecoveryResult<State> r = recover(dd, opts, holder);
            return new Recovered(r, holder[0]);
        }
    }

    private RecoveryResult<State> recover(DataDirectory dd, LogOptions opts, State[] holder) throws IOException {
        try (TxnLog log = dd.openLog(opts)) {
            SnapshotStore snaps = dd.openSnapshots(StorageFaults.NONE);
            State[] box = {null};
            RecoveryResult<State> r = Recovery.recover(
                    snaps,
                    log,
                    in -> {
                        State s = State.loader().readFrom(in);
                        box[0] = s;
                        return s;
                    },
                    rec -> {
                        if (box[0] == null) {
                            box[0] = new State();
                        }
                        box[0].apply(rec);
                    });
            holder[0] = box[0] == null ? new State() : box[0];
            return r;
        }
    }

    private static final long NO_SNAPSHOT = -1;

    /**
     * Recovery of the data directory starts from the snapshot at {@code snapshotZxid} (or none), replays
     * {@code replayed} txns and ends at {@code last}, having applied every zxid from 1 to it.
     */
    private void assertRecovers(LogOptions opts, long snapshotZxid, long replayed, long last) throws IOException {
        Recovered recovered = recoverData(opts);
        if (snapshotZxid == NO_SNAPSHOT) {
            assertThat(recovered.result().snapshot()).isEmpty();
        } else {
            assertThat(recovered.result().snapshotZxid()).isEqualTo(snapshotZxid);
        }
        assertThat(recovered.result().replayed()).isEqualTo(replayed);
        assertThat(recovered.result().lastZxid()).isEqualTo(last);
        assertThat(recovered.state().applied).isEqualTo(range(1, last));
    }

    /** A state that has applied zxids 1 to {@code last}. */
    private static State stateUpTo(long last) {
        State s = new State();
        s.applied.addAll(range(1, last));
        return s;
    }

    private static RecoveryResult<State> recoverIgnoringTheReplay(DataDirectory dd, TxnLog log) throws IOException {
        return Recovery.recover(dd.openSnapshots(StorageFaults.NONE), log, State.loader(), rec -> {});
    }

    @Test
    void snapshotThenReplayInOrder() throws Exception {
        LogOptions opts = SMALL.withMaxSegmentTxns(7);
        try (DataDirectory dd = DataDirectory.open(root())) {
            State state = new State();
            SnapshotStore snaps = dd.openSnapshots(StorageFaults.NONE);
            TxnLog log = dd.openLog(opts);
            try (GroupCommitLog gc = new GroupCommitLog(log, t -> {})) {
                CountDownLatch first = new CountDownLatch(20);
                for (long z = 1; z <= 20; z++) {
                    TxnRecord r = rec(z);
                    gc.submit(r, () -> {
                        state.apply(r);
                        first.countDown();
                    });
                }
                assertThat(first.await(30, TimeUnit.SECONDS)).isTrue();
                // background snapshot while writes continue (fuzzy: it may contain txns after 20)
                SnapshotContent content = state.content();
                CompletableFuture<Void> snap = CompletableFuture.runAsync(() -> {
                    try {
                        snaps.write(20, content);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                CountDownLatch rest = new CountDownLatch(15);
                for (long z = 21; z <= 35; z++) {
                    gc.submit(rec(z), rest::countDown);
                }
                snap.get(30, TimeUnit.SECONDS);
                assertThat(rest.await(30, TimeUnit.SECONDS)).isTrue();
            }
        }
        assertRecovers(opts, 20, 15, 35);
    }

    @Test
    void noSnapshotReplaysEverything() throws Exception {
        try (DataDirectory dd = DataDirectory.open(root());
                TxnLog log = dd.openLog(SMALL)) {
            appendSynced(log, 1, 12, null);
        }
        assertRecovers(SMALL, NO_SNAPSHOT, 12, 12);
    }

    @Test
    void corruptNewestSnapshotFallsBackAndReplaysMore() throws Exception {
        try (DataDirectory dd = DataDirectory.open(root());
                TxnLog log = dd.openLog(FIVE_PER_SEGMENT)) {
            SnapshotStore snaps = dd.openSnapshots(StorageFaults.NONE);
            State s = new State();
            for (long z = 1; z <= 30; z++) {
                TxnRecord r = rec(z);
                log.append(r);
                s.apply(r);
                if (z == 10 || z == 20) {
                    log.sync();
                    snaps.write(z, s.content());
                }
            }
            log.sync();
            long oldestKept = snaps.retain(2).orElseThrow();
            log.purgeBefore(oldestKept);
            assertThat(log.baseZxid()).isLessThanOrEqualTo(10);
            flipByte(dd.snapshotDir().resolve(SnapshotStore.fileName(20)), 30);
        }
        assertRecovers(FIVE_PER_SEGMENT, 10, 20, 30);
    }

    @Test
    void refusesWhenLogWasPurgedPastTheUsableSnapshot() throws Exception {
        try (DataDirectory dd = DataDirectory.open(root());
                TxnLog log = dd.openLog(FIVE_PER_SEGMENT)) {
            SnapshotStore snaps = dd.openSnapshots(StorageFaults.NONE);
            appendSynced(log, 1, 30, null);
            snaps.write(22, new State().content());
            log.purgeBefore(22); // base is now 20
            flipByte(dd.snapshotDir().resolve(SnapshotStore.fileName(22)), 5); // the only snapshot is bad
        }
        try (DataDirectory dd = DataDirectory.open(root())) {
            assertThatThrownBy(() -> recover(dd, FIVE_PER_SEGMENT, new State[1]))
                    .isInstanceOf(CorruptStorageException.class)
                    .hasMessageContaining("txns in between are lost");
        }
    }

    @Test
    void snapshotAheadOfEmptyLog() throws Exception {
        try (DataDirectory dd = DataDirectory.open(root())) {
            State s = stateUpTo(50);
            dd.openSnapshots(StorageFaults.NONE).write(50, s.content());
        }
        try (DataDirectory dd = DataDirectory.open(root())) {
            State[] holder = new State[1];
            try (TxnLog log = dd.openLog(SMALL)) {
                RecoveryResult<State> r = recoverIgnoringTheReplay(dd, log);
                assertThat(r.lastZxid()).isEqualTo(50);
                assertThat(log.lastZxid()).isEqualTo(50);
                assertThatThrownBy(() -> log.append(rec(50))).isInstanceOf(IllegalStateException.class);
                log.append(rec(51));
                log.sync();
            }
            RecoveryResult<State> r = recover(dd, SMALL, holder);
            assertThat(r.replayed()).isEqualTo(1);
            assertThat(holder[0].applied).isEqualTo(range(1, 51));
        }
    }

    /** After a full snapshot transfer the snapshot is newer than the whole local log. */
    @Test
    void snapshotAheadOfNonEmptyLogKeepsTheLogGapFree() throws Exception {
        LogOptions opts = SMALL.withMaxSegmentTxns(10);
        try (DataDirectory dd = DataDirectory.open(root());
                TxnLog log = dd.openLog(opts)) {
            SnapshotStore snaps = dd.openSnapshots(StorageFaults.NONE);
            State s = new State();
            appendSynced(log, 1, 30, s);
            State early = stateUpTo(10);
            snaps.write(10, early.content());
            State leader = stateUpTo(50);
            snaps.write(50, leader.content());
        }
        try (DataDirectory dd = DataDirectory.open(root())) {
            State[] holder = new State[1];
            try (TxnLog log = dd.openLog(opts)) {
                RecoveryResult<State> r = recoverIgnoringTheReplay(dd, log);
                assertThat(r.lastZxid()).isEqualTo(50);
                assertThat(log.segmentZxids()).isEmpty();
                assertThat(log.baseZxid()).isEqualTo(50);
                log.append(rec(51));
                log.sync();
            }
            RecoveryResult<State> r = recover(dd, opts, holder);
            assertThat(holder[0].applied).isEqualTo(range(1, 51));
            assertThat(r.replayed()).isEqualTo(1);
            // if the newest snapshot is lost, the older one cannot be combined with this log: refuse, loudly
            flipByte(dd.snapshotDir().resolve(SnapshotStore.fileName(50)), 20);
            assertThatThrownBy(() -> recover(dd, opts, new State[1])).isInstanceOf(CorruptStorageException.class);
        }
    }
}
