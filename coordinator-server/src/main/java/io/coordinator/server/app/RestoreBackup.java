package io.coordinator.server.app;

import io.coordinator.server.ops.BackupFormat;
import io.coordinator.server.request.StateSnapshots;
import io.coordinator.server.storage.DataDirectory;
import io.coordinator.server.storage.LogOptions;
import io.coordinator.server.storage.SnapshotStore;
import io.coordinator.server.storage.StorageFaults;
import io.coordinator.server.storage.TxnLog;
import io.coordinator.server.zab.Zxids;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code coordinator-server.jar restore <backup> <data-dir>}: makes a backup taken with
 * {@code /commands/snapshot} the first state of a fresh standalone server's data directory. The whole backup is
 * read and verified (chunk CRCs, then the state itself) before anything is written; a data directory that
 * already holds state is refused. Like the ZooKeeper take-over, the state continues in a new epoch (new writes
 * get zxids above everything the backup's cluster wrote up to the backup).
 */
final class RestoreBackup {
    static final String COMMAND = "restore";

    /**
     * Left in a restored data directory: an ensemble member refuses to start on it (its log is empty, so ZAB would
     * count it as a member without history), see {@link #refuseInEnsemble}.
     */
    static final String MARKER = "restored-from-backup";

    private RestoreBackup() {}

    static boolean isCommand(String[] args) {
        return args.length > 0 && COMMAND.equals(args[0]);
    }

    /** Exit status: 0 restored, 1 refused (the message says why), 2 usage. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 3) {
            err.println("Usage: " + COMMAND + " <backup file> <data dir of a new standalone server>");
            return 2;
        }
        try {
            long zxid = restore(Path.of(args[1]), Path.of(args[2]));
            out.println("Restored " + args[1] + " into " + Path.of(args[2]).toAbsolutePath()
                    + "; the server continues at zxid 0x" + Long.toHexString(zxid) + ". Start it with"
                    + " --coordinator.data-dir=" + args[2]);
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("Not restored: " + e.getMessage());
            return 1;
        }
    }

    /** Restores {@code backup} into {@code dataDir}; returns the zxid the server continues from. */
    static long restore(Path backup, Path dataDir) throws IOException {
        BackupFormat.Backup b;
        try (InputStream in = Files.newInputStream(backup)) {
            b = BackupFormat.read(in);
        } catch (BackupFormat.CorruptBackupException e) {
            throw new IOException(backup + ": " + e.getMessage(), e);
        }
        StateSnapshots.Recovered state;
        try {
            state = StateSnapshots.read(new DataInputStream(new ByteArrayInputStream(b.state())));
        } catch (IOException | RuntimeException e) {
            throw new IOException(backup + ": the state inside the backup cannot be read: " + e.getMessage(), e);
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        try (DataDirectory data = DataDirectory.open(dir);
                TxnLog log = data.openLog(LogOptions.defaults())) {
            SnapshotStore snapshots = data.openSnapshots(StorageFaults.NONE);
            if (!snapshots.snapshotZxids().isEmpty() || log.lastZxid() != 0) {
                throw new IOException(dir + " already holds a server's state (snapshots or a log): restore into"
                        + " the data directory of a new server");
            }
            long zxid = Zxids.make(Zxids.epochOf(b.zxid()) + 1, 0);
            state.tree().setLastProcessedZxid(zxid);
            snapshots.write(zxid, o -> StateSnapshots.write(o, state.sessions(), state.secret(), state.tree()));
            Files.writeString(
                    dir.resolve(MARKER),
                    "restored from " + backup.toAbsolutePath() + " (backup zxid 0x" + Long.toHexString(b.zxid())
                            + "), continuing at zxid 0x" + Long.toHexString(zxid) + "\n");
            return zxid;
        }
    }

    /** A restored data directory is for a standalone server; an ensemble member stops naming the file. */
    static void refuseInEnsemble(Path dataDir) {
        Path marker = dataDir.resolve(MARKER);
        if (Files.exists(marker)) {
            throw new IllegalStateException(marker + ": this data directory was restored from a backup, which only a"
                    + " standalone server may start on (an ensemble member would join with an empty log and lose"
                    + " the restored state's place in the history); start it without coordinator.ensemble");
        }
    }
}
