package io.coordinator.server.app;

import io.coordinator.server.ops.BackupFormat;
import io.coordinator.server.request.StateSnapshots;
import io.coordinator.server.storage.DataDirectory;
import io.coordinator.server.storage.EpochStore;
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
 * {@code /commands/snapshot} the first state of a new server's data directory, standalone or an ensemble member.
 * The whole backup is read and verified (chunk CRCs, then the state itself) before anything is written; a data
 * directory that already holds state is refused.
 *
 * <p>The state continues in a new epoch, as after the ZooKeeper take-over: the snapshot is at zxid
 * (backup's epoch + 1, backup's counter), and the directory's epochs are that epoch, so new writes get zxids above
 * everything the backup's cluster wrote up to the backup, and an ensemble's first leader starts the epoch after.
 * Restored from the same backup, every member holds the same state at the same zxid; restored from different
 * backups of one cluster, their zxids differ, so the election picks the newest and syncs the others to it. A new
 * ensemble needs the backup in a majority of its voters' directories (then every quorum holds it and elects a
 * member that has it); members started empty are synced from the leader.
 */
final class RestoreBackup {
    static final String COMMAND = "restore";

    /** Left in a restored data directory: where its state came from, for an operator who wonders. */
    static final String MARKER = "restored-from-backup";

    private RestoreBackup() {}

    static boolean isCommand(String[] args) {
        return args.length > 0 && COMMAND.equals(args[0]);
    }

    /** Exit status: 0 restored, 1 refused (the message says why), 2 usage. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 3) {
            err.println("Usage: " + COMMAND + " <backup file> <data dir of a new server or ensemble member>");
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
            long epoch = Zxids.epochOf(b.zxid()) + 1;
            long zxid = Zxids.make(epoch, Zxids.counterOf(b.zxid()));
            state.tree().setLastProcessedZxid(zxid);
            snapshots.write(zxid, o -> StateSnapshots.write(o, state.sessions(), state.secret(), state.tree()));
            // a standalone server never reads them; a member must not elect a leader in an epoch below its zxid's
            new EpochStore(dir).store(new EpochStore.Epochs(epoch, epoch, -1));
            Files.writeString(
                    dir.resolve(MARKER),
                    "restored from " + backup.toAbsolutePath() + " (backup zxid 0x" + Long.toHexString(b.zxid())
                            + "), continuing at zxid 0x" + Long.toHexString(zxid) + "\n");
            return zxid;
        }
    }
}
