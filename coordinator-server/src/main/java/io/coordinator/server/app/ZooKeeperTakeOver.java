package io.coordinator.server.app;

import io.coordinator.server.request.StateSnapshots;
import io.coordinator.server.storage.EpochStore;
import io.coordinator.server.storage.SnapshotStore;
import io.coordinator.server.storage.TxnLog;
import io.coordinator.server.storage.zookeeper.ZkDataDir;
import io.coordinator.server.zab.Zxids;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Coordinator on an Apache ZooKeeper data directory: when the data dir holds ZooKeeper's
 * {@code version-2} files and no Coordinator state yet, ZooKeeper's state (every znode with its Stat and ACL,
 * the sessions, the last zxid) becomes Coordinator's first snapshot, written beside ZooKeeper's files, which
 * are only read. Later starts find that snapshot and never import again.
 *
 * <p>Standalone, the snapshot is taken at zxid (epoch + 1, 0) past ZooKeeper's last zxid, so new writes get
 * zxids above every imported one, in a higher epoch.
 *
 * <p>An ensemble member keeps ZooKeeper's zxids and epochs instead: its snapshot is at its own last zxid and
 * its epochs are ZooKeeper's {@code acceptedEpoch}/{@code currentEpoch}. The members' data dirs may differ (a
 * member that was down missed txns; one may hold a proposal that never committed), so each keeps exactly what
 * its ZooKeeper had and ZAB's recovery settles it as it would have for ZooKeeper: the election picks the
 * member with the newest history, the others are synced to it (here by a snapshot, as no member has
 * ZooKeeper's txns as log records), and the new leader's epoch is above every epoch ZooKeeper used. Bumping
 * each member's zxid separately, as standalone does, would make members with different trees look equal.
 *
 * <p>ZooKeeper's sessions are restored as ZooKeeper restores them on a restart: their ephemerals stay until
 * the sessions expire. A client cannot resume one (its password was ZooKeeper's, which Coordinator does not
 * accept) and starts a new session.
 */
final class ZooKeeperTakeOver {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperTakeOver.class);

    private ZooKeeperTakeOver() {}

    /**
     * Takes over ZooKeeper's state when there is some and Coordinator has none; returns the zxid of the
     * snapshot written, if any.
     *
     * @param zkLogDir ZooKeeper's dataLogDir, or null when its logs are in {@code dataDir}
     * @param epochs where an ensemble member keeps its epochs; null standalone
     * @throws IOException naming the file when ZooKeeper's data cannot be read (never an empty tree over it)
     */
    static Optional<Long> run(Path dataDir, Path zkLogDir, EpochStore epochs, SnapshotStore snapshots, TxnLog txnLog)
            throws IOException {
        Path logDir = zkLogDir == null ? dataDir : zkLogDir;
        if (!ZkDataDir.hasData(dataDir) && !ZkDataDir.hasData(logDir)) {
            return Optional.empty();
        }
        if (!snapshots.snapshotZxids().isEmpty() || txnLog.lastZxid() != 0) {
            log.info(
                    "Apache ZooKeeper files in {} are left alone: Coordinator's own state is there (taken over before)",
                    dataDir.resolve(ZkDataDir.VERSION_DIR));
            return Optional.empty();
        }
        ZkDataDir.State state = ZkDataDir.load(dataDir, logDir).orElseThrow();
        long zxid;
        if (epochs == null) {
            zxid = Zxids.make(Zxids.epochOf(state.lastZxid()) + 1, 0);
            state.tree().setLastProcessedZxid(zxid);
        } else {
            zxid = state.lastZxid();
            keepEpochs(dataDir, zxid, epochs);
            if (zxid == 0) {
                return Optional.empty(); // ZooKeeper never wrote a txn: nothing to take over but its epochs
            }
        }
        snapshots.write(zxid, out -> StateSnapshots.write(out, state.sessions(), state.tree()));
        log.info(
                "Took over {} znodes from Apache ZooKeeper data in {} at zxid 0x{} (snapshot {} + {} txns from logs {});"
                        + " {}; ZooKeeper's files are unchanged",
                state.tree().nodeCount() - 1, // nodeCount counts the root twice, as ZooKeeper's mntr does
                dataDir,
                Long.toHexString(state.lastZxid()),
                state.snapshot().getFileName(),
                state.replayed(),
                state.logs().stream().map(p -> p.getFileName().toString()).toList(),
                epochs == null
                        ? "new writes continue at zxid 0x" + Long.toHexString(zxid + 1)
                        : "as an ensemble member, with ZooKeeper's zxids and epochs (the ensemble's recovery"
                                + " syncs the members)");
        if (!state.sessions().isEmpty()) {
            log.info(
                    "Restored {} ZooKeeper session(s) with {} ephemeral znode(s): as on a ZooKeeper restart they"
                            + " expire after their timeout; their clients start new sessions",
                    state.sessions().size(),
                    state.tree().ephemeralCount());
        }
        return Optional.of(zxid);
    }

    /**
     * ZooKeeper's epochs become this member's, never below its last zxid's epoch (files not written yet, e.g. a
     * data dir from a standalone ZooKeeper) nor below what this member already stored (they never go back).
     */
    private static void keepEpochs(Path dataDir, long lastZxid, EpochStore epochs) throws IOException {
        EpochStore.Epochs ours = epochs.load();
        long current = Math.max(
                Math.max(ours.current(), Zxids.epochOf(lastZxid)),
                ZkDataDir.epoch(dataDir, ZkDataDir.CURRENT_EPOCH).orElse(0));
        long accepted = Math.max(
                Math.max(ours.accepted(), current),
                ZkDataDir.epoch(dataDir, ZkDataDir.ACCEPTED_EPOCH).orElse(0));
        if (accepted == ours.accepted() && current == ours.current()) {
            return;
        }
        epochs.store(new EpochStore.Epochs(accepted, current, -1));
        log.info("Kept Apache ZooKeeper's epochs: accepted epoch {}, current epoch {}", accepted, current);
    }
}
