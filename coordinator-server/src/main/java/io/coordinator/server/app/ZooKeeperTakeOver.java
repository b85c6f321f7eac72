package io.coordinator.server.app;

import io.coordinator.server.request.StateSnapshots;
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
 * <p>The snapshot is taken at zxid (epoch + 1, 0) past ZooKeeper's last zxid, so new writes get zxids above
 * every imported one, in a higher epoch. ZooKeeper's sessions are restored as ZooKeeper restores them on a
 * restart: their ephemerals stay until the sessions expire. A client cannot resume one (its password was
 * ZooKeeper's, which Coordinator does not accept) and starts a new session.
 */
final class ZooKeeperTakeOver {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperTakeOver.class);

    private ZooKeeperTakeOver() {}

    /**
     * Takes over ZooKeeper's state when there is some and Coordinator has none; returns the zxid of the
     * snapshot written, if any.
     *
     * @param zkLogDir ZooKeeper's dataLogDir, or null when its logs are in {@code dataDir}
     * @throws IOException naming the file when ZooKeeper's data cannot be read (never an empty tree over it)
     */
    static Optional<Long> run(Path dataDir, Path zkLogDir, boolean ensemble, SnapshotStore snapshots, TxnLog txnLog)
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
        if (ensemble) {
            throw new IllegalStateException("Apache ZooKeeper data in " + dataDir.resolve(ZkDataDir.VERSION_DIR)
                    + ": taking over a ZooKeeper ensemble member's data is not supported yet. Start one server"
                    + " standalone on it to take it over, or move the version-2 directory away to start empty");
        }
        ZkDataDir.State state = ZkDataDir.load(dataDir, logDir).orElseThrow();
        long zxid = Zxids.make(Zxids.epochOf(state.lastZxid()) + 1, 0);
        state.tree().setLastProcessedZxid(zxid);
        snapshots.write(zxid, out -> StateSnapshots.write(out, state.sessions(), state.tree()));
        log.info(
                "Took over {} znodes from Apache ZooKeeper data in {} at zxid 0x{} (snapshot {} + {} txns from logs {});"
                        + " new writes continue at zxid 0x{}; ZooKeeper's files are unchanged",
                state.tree().nodeCount() - 1, // nodeCount counts the root twice, as ZooKeeper's mntr does
                dataDir,
                Long.toHexString(state.lastZxid()),
                state.snapshot().getFileName(),
                state.replayed(),
                state.logs().stream().map(p -> p.getFileName().toString()).toList(),
                Long.toHexString(zxid + 1));
        if (!state.sessions().isEmpty()) {
            log.info(
                    "Restored {} ZooKeeper session(s) with {} ephemeral znode(s): as on a ZooKeeper restart they"
                            + " expire after their timeout; their clients start new sessions",
                    state.sessions().size(),
                    state.tree().ephemeralCount());
        }
        return Optional.of(zxid);
    }
}
