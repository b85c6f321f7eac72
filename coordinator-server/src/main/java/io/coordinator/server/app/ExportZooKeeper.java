package io.coordinator.server.app;

import io.coordinator.server.request.StateSnapshots;
import io.coordinator.server.session.SessionTracker;
import io.coordinator.server.storage.DataDirectory;
import io.coordinator.server.storage.LogOptions;
import io.coordinator.server.storage.SnapshotStore;
import io.coordinator.server.storage.StorageFaults;
import io.coordinator.server.storage.TxnLog;
import io.coordinator.server.storage.zookeeper.ZkDataDir;
import io.coordinator.server.storage.zookeeper.ZkSnapshotWriter;
import io.coordinator.server.tree.DataTree;
import io.coordinator.server.zab.Zxids;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * {@code coordinator-server.jar export-zookeeper <data-dir> <zookeeper-data-dir>}: the way back to Apache
 * ZooKeeper. The state of a stopped server's data directory (its snapshot and every txn logged after it, as its
 * own restart recovers it) becomes a ZooKeeper snapshot in {@code <zookeeper-data-dir>/version-2}, with the
 * epoch files a ZooKeeper ensemble member reads, so ZooKeeper 3.5-3.9 started with that dataDir serves the same
 * tree, Stat for Stat, and the same sessions (a server that never took a write gives ZooKeeper's empty tree). A
 * target that already holds ZooKeeper files is refused, and so is a directory that is no Coordinator data dir.
 */
final class ExportZooKeeper {
    static final String COMMAND = "export-zookeeper";

    private ExportZooKeeper() {}

    static boolean isCommand(String[] args) {
        return args.length > 0 && COMMAND.equals(args[0]);
    }

    /** Exit status: 0 exported, 1 refused (the message says why), 2 usage. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 3) {
            err.println("Usage: " + COMMAND + " <data dir of a stopped Coordinator server> <new ZooKeeper dataDir>");
            return 2;
        }
        try {
            Path target = Path.of(args[2]).toAbsolutePath().normalize();
            Exported e = export(Path.of(args[1]), target);
            out.println("Exported " + e.znodes() + " znodes and " + e.sessions() + " sessions at zxid 0x"
                    + Long.toHexString(e.zxid()) + " to " + e.file() + ". Start ZooKeeper with dataDir=" + target
                    + " (for an ensemble, give every member a copy of it)");
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("Not exported: " + e.getMessage());
            return 1;
        }
    }

    record Exported(Path file, long zxid, int znodes, int sessions) {}

    static Exported export(Path dataDir, Path target) throws IOException {
        Path v2 = target.resolve(ZkDataDir.VERSION_DIR);
        if (Files.isDirectory(v2)) {
            try (Stream<Path> files = Files.list(v2)) {
                if (files.findAny().isPresent()) {
                    throw new IOException(v2 + " already holds files: export into the dataDir of a new ZooKeeper");
                }
            }
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve(DataDirectory.LOG_DIR))
                && !Files.isDirectory(dir.resolve(DataDirectory.SNAPSHOT_DIR))) {
            throw new IOException(dir + " is not a Coordinator data directory (no " + DataDirectory.LOG_DIR + "/ or "
                    + DataDirectory.SNAPSHOT_DIR + "/ in it)");
        }
        try (DataDirectory data = DataDirectory.open(dir);
                TxnLog log = data.openLog(LogOptions.defaults())) {
            SnapshotStore snapshots = data.openSnapshots(StorageFaults.NONE);
            SessionTracker sessions = new SessionTracker(2000);
            // as a standalone restart recovers: the snapshot, then every logged txn after it
            StateSnapshots.RecoveredState recovered = StateSnapshots.recover(snapshots, log, sessions, true);
            DataTree tree = recovered.machine().tree();
            tree.setLastProcessedZxid(
                    Math.max(tree.lastProcessedZxid(), recovered.result().lastZxid()));
            var table = StateSnapshots.sessionTable(sessions);
            Path file = ZkSnapshotWriter.write(target, tree, table);
            String epoch = Long.toString(Zxids.epochOf(tree.lastProcessedZxid()));
            Files.writeString(v2.resolve(ZkDataDir.ACCEPTED_EPOCH), epoch, StandardCharsets.US_ASCII);
            Files.writeString(v2.resolve(ZkDataDir.CURRENT_EPOCH), epoch, StandardCharsets.US_ASCII);
            return new Exported(file, tree.lastProcessedZxid(), tree.nodeCount() - 1, table.size());
        }
    }
}
