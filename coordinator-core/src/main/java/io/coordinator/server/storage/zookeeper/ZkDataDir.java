package io.coordinator.server.storage.zookeeper;

import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.storage.CorruptStorageException;
import io.coordinator.server.tree.DataTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state held by an Apache ZooKeeper data directory ({@code version-2} under dataDir for snapshots and under
 * dataLogDir, or dataDir, for logs), rebuilt with ZooKeeper's own rules (FileTxnSnapLog.restore):
 *
 * <ul>
 * <li>the newest snapshot that passes the quick check and reads completely with valid seals; older ones are
 * tried when a newer one is damaged (WARN); snapshots but no valid one is a refusal, and so are logs without
 * any snapshot (ZooKeeper: "No snapshot found, but there are log entries");
 * <li>the logs from the newest one that starts at or before the snapshot's zxid onward, replaying every txn
 * above the snapshot's zxid over the (fuzzy) snapshot, sessions included (createSession adds one,
 * closeSession removes it and its ephemerals);
 * <li>txns must come in increasing zxid order, and the first replayed one must follow the snapshot (within an
 * epoch, zxids count up by one): a gap is a refusal naming the log.
 * </ul>
 *
 * Nothing here writes: ZooKeeper's files stay as they are.
 */
public final class ZkDataDir {
    private static final Logger LOG = LoggerFactory.getLogger(ZkDataDir.class);
    public static final String VERSION_DIR = "version-2";

    /**
     * The rebuilt state.
     *
     * @param tree the tree, its last processed zxid the last txn's (or the snapshot's)
     * @param sessions session id to timeout (ms), as ZooKeeper would restore them
     * @param lastZxid the last zxid of the state
     * @param snapshot the snapshot file used
     * @param replayed txns replayed from the logs
     * @param logs the log files read
     */
    public record State(
            DataTree tree, Map<Long, Integer> sessions, long lastZxid, Path snapshot, long replayed, List<Path> logs) {}

    /** ZooKeeper's two epoch files, beside its snapshots in {@code version-2}. */
    public static final String ACCEPTED_EPOCH = "acceptedEpoch";

    public static final String CURRENT_EPOCH = "currentEpoch";

    private ZkDataDir() {}

    /**
     * One of a ZooKeeper ensemble member's epoch files ({@link #ACCEPTED_EPOCH}, {@link #CURRENT_EPOCH}) in
     * {@code snapDir/version-2}: a decimal number, as ZooKeeper writes it; empty when the file is not there (a
     * server that never joined an ensemble).
     *
     * @throws CorruptStorageException naming the file when it does not hold a number
     */
    public static OptionalLong epoch(Path snapDir, String name) throws IOException {
        Path file = snapDir.resolve(VERSION_DIR).resolve(name);
        if (!Files.exists(file)) {
            return OptionalLong.empty();
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            long epoch = Long.parseLong(text);
            if (epoch < 0) {
                throw new NumberFormatException("negative");
            }
            return OptionalLong.of(epoch);
        } catch (NumberFormatException e) {
            throw new CorruptStorageException(file + " does not hold an epoch number (\""
                    + text.substring(0, Math.min(20, text.length())) + "\"): ZooKeeper refuses it too");
        }
    }

    /** True when dir/version-2 holds a ZooKeeper snapshot or log file. */
    public static boolean hasData(Path dir) throws IOException {
        Path v2 = dir.resolve(VERSION_DIR);
        return Files.isDirectory(v2)
                && (!files(v2, ZkSnapshotFile.PREFIX).isEmpty()
                        || !files(v2, ZkLogFile.PREFIX).isEmpty());
    }

    /**
     * Rebuilds the state from {@code snapDir/version-2} and {@code logDir/version-2} (the same directory when
     * ZooKeeper had no dataLogDir); empty when neither holds a ZooKeeper file.
     *
     * @throws CorruptStorageException naming the file when something cannot be read or trusted
     */
    public static Optional<State> load(Path snapDir, Path logDir) throws IOException {
        List<Named> snaps = files(snapDir.resolve(VERSION_DIR), ZkSnapshotFile.PREFIX);
        List<Named> logs = files(logDir.resolve(VERSION_DIR), ZkLogFile.PREFIX);
        if (snaps.isEmpty() && logs.isEmpty()) {
            return Optional.empty();
        }
        if (snaps.isEmpty()) {
            throw new CorruptStorageException("ZooKeeper data in " + logDir.resolve(VERSION_DIR) + " has transaction"
                    + " logs (" + logs.get(0).path().getFileName() + "...) but no snapshot in "
                    + snapDir.resolve(VERSION_DIR) + ": the state cannot be rebuilt (ZooKeeper refuses it too)");
        }
        ZkSnapshotFile.Content snap = newestValid(snaps);
        long snapZxid = snap.zxid();
        DataTree tree = snap.tree();
        Map<Long, Integer> sessions = snap.sessions();

        long start = 0; // the newest log starting at or before the snapshot, as ZooKeeper's getLogFiles
        for (Named l : logs) {
            if (l.zxid() <= snapZxid) {
                start = Math.max(start, l.zxid());
            }
        }
        List<Path> used = new ArrayList<>();
        long[] last = {snapZxid};
        long[] replayed = {0};
        long[] seen = {-1}; // the last zxid read from any log, applied or not
        for (Named l : logs) {
            if (l.zxid() < start) {
                continue;
            }
            used.add(l.path());
            ZkLogFile.read(l.path(), (record, offset) -> {
                long zxid = record.zxid();
                if (zxid <= seen[0]) {
                    throw new CorruptStorageException(l.path() + ": the record at offset " + offset + " has zxid 0x"
                            + Long.toHexString(zxid) + ", not after the one before it (0x"
                            + Long.toHexString(seen[0]) + ")");
                }
                seen[0] = zxid;
                if (zxid <= snapZxid) {
                    return;
                }
                if (replayed[0] == 0 && zxid != snapZxid + 1 && (zxid >>> 32) == (snapZxid >>> 32)) {
                    throw new CorruptStorageException(l.path() + ": the first txn after snapshot "
                            + snap.file().getFileName() + " is 0x" + Long.toHexString(zxid) + " (offset " + offset
                            + "), so txns 0x" + Long.toHexString(snapZxid + 1) + " to 0x"
                            + Long.toHexString(zxid - 1) + " are missing");
                }
                apply(record, tree, sessions);
                last[0] = zxid;
                replayed[0]++;
            });
        }
        tree.setLastProcessedZxid(last[0]);
        dropDeadSessions(tree, sessions, last[0]);
        return Optional.of(new State(tree, sessions, last[0], snap.file(), replayed[0], used));
    }

    /** As ZooKeeper's FileTxnSnapLog.processTransaction: the session table first, then the tree. */
    private static void apply(TxnRecord record, DataTree tree, Map<Long, Integer> sessions) {
        if (record.txn() instanceof Txn.CreateSession c) {
            sessions.put(c.sessionId(), c.timeout());
        } else if (record.txn() instanceof Txn.CloseSession c) {
            sessions.remove(c.sessionId());
        }
        tree.apply(record.header(), record.txn());
    }

    /**
     * As ZooKeeperServer.loadData: ephemerals whose session is not in the session table (closed while the
     * snapshot was being written) are deleted at the last zxid.
     */
    private static void dropDeadSessions(DataTree tree, Map<Long, Integer> sessions, long zxid) {
        for (long session : List.copyOf(tree.ephemeralsBySession().keySet())) {
            if (!sessions.containsKey(session)) {
                LOG.info(
                        "Deleting the ephemerals of ZooKeeper session 0x{}, which is closed",
                        Long.toHexString(session));
                tree.apply(new TxnHeader(session, 0, zxid, 0, OpCode.CLOSE_SESSION), new Txn.CloseSession(session));
            }
        }
    }

    private static ZkSnapshotFile.Content newestValid(List<Named> snaps) throws IOException {
        List<String> problems = new ArrayList<>();
        for (int i = snaps.size() - 1; i >= 0; i--) {
            Named s = snaps.get(i);
            if (ZkSnapshotFile.compression(s.path().getFileName().toString()).equals("snappy")) {
                // Not damage but a format we do not read: an older snapshot would hide that silently.
                throw ZkSnapshotFile.snappyRefused(s.path());
            }
            try {
                String bad = ZkSnapshotFile.quickCheck(s.path());
                if (bad != null) {
                    throw new CorruptStorageException(s.path() + ": " + bad);
                }
                ZkSnapshotFile.Content c = ZkSnapshotFile.read(s.path(), s.zxid());
                LOG.info("Read ZooKeeper snapshot {}", s.path());
                return c;
            } catch (CorruptStorageException e) {
                LOG.warn("Skipping ZooKeeper snapshot {}: {}; trying an older one", s.path(), e.getMessage());
                problems.add(e.getMessage());
            }
        }
        throw new CorruptStorageException(
                "No valid ZooKeeper snapshot among " + snaps.size() + " file(s): " + String.join("; ", problems));
    }

    /** A ZooKeeper file name and the zxid in it. */
    private record Named(Path path, long zxid) {}

    /** Files named prefix.<hex zxid>[.ext] (ZooKeeper's Util.getZxidFromName), oldest first. */
    private static List<Named> files(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Named> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String[] parts = p.getFileName().toString().split("\\.");
                if (parts.length >= 2 && parts[0].equals(prefix) && Files.isRegularFile(p)) {
                    try {
                        out.add(new Named(p, Long.parseUnsignedLong(parts[1], 16)));
                    } catch (NumberFormatException e) {
                        // not ZooKeeper's
                    }
                }
            }
        }
        out.sort(Comparator.comparingLong(Named::zxid));
        return out;
    }
}
