package io.coordinator.server.app;

import io.coordinator.server.ops.BackupFormat;
import io.coordinator.server.request.StateSnapshots;
import io.coordinator.server.storage.DataDirectory;
import io.coordinator.server.storage.EpochStore;
import io.coordinator.server.storage.FileUtil;
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
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;

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

    /** Where an online restore moves the state it replaces (followed by the time). */
    static final String ASIDE_PREFIX = "before-restore-";

    /** What a data directory holds of a server's state, besides its lock, myid and session secret. */
    private static final List<String> STATE_FILES =
            List.of(DataDirectory.LOG_DIR, DataDirectory.SNAPSHOT_DIR, EpochStore.FILE, MARKER);

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
        Verified verified;
        try (InputStream in = Files.newInputStream(backup)) {
            verified = verify(in, backup.toString());
        }
        return writeInto(dataDir, verified, 0, backup.toAbsolutePath().toString());
    }

    /** A backup read whole and verified: its zxid and the state inside it. */
    record Verified(long zxid, StateSnapshots.Recovered state) {}

    /**
     * Reads and verifies a whole backup (every chunk's CRC, then the state itself) before anything is written.
     *
     * @param name what the backup is, for the message of a refusal
     * @throws BackupFormat.CorruptBackupException naming {@code name} and what is wrong
     */
    static Verified verify(InputStream in, String name) throws IOException {
        BackupFormat.Backup b;
        try {
            b = BackupFormat.read(in);
        } catch (BackupFormat.CorruptBackupException e) {
            throw new BackupFormat.CorruptBackupException(name + ": " + e.getMessage(), e);
        }
        try {
            return new Verified(
                    b.zxid(), StateSnapshots.read(new DataInputStream(new ByteArrayInputStream(b.state()))));
        } catch (IOException | RuntimeException e) {
            throw new BackupFormat.CorruptBackupException(
                    name + ": the state inside the backup cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a verified backup as the first state of {@code dataDir}, which must hold none, in the epoch after both
     * the backup's and {@code epochFloor} (the epoch of everything the server on that directory ever wrote, for a
     * restore into a running server: its clients' last zxids stay below the restored one). Returns that zxid.
     *
     * @param source where the backup came from, kept in the {@value #MARKER} file
     */
    static long writeInto(Path dataDir, Verified backup, long epochFloor, String source) throws IOException {
        StateSnapshots.Recovered state = backup.state();
        Path dir = dataDir.toAbsolutePath().normalize();
        try (DataDirectory data = DataDirectory.open(dir);
                TxnLog log = data.openLog(LogOptions.defaults())) {
            SnapshotStore snapshots = data.openSnapshots(StorageFaults.NONE);
            if (!snapshots.snapshotZxids().isEmpty() || log.lastZxid() != 0) {
                throw new IOException(dir + " already holds a server's state (snapshots or a log): restore into"
                        + " the data directory of a new server");
            }
            long epoch = Math.max(Zxids.epochOf(backup.zxid()), epochFloor) + 1;
            long zxid = Zxids.make(epoch, Zxids.counterOf(backup.zxid()));
            state.tree().setLastProcessedZxid(zxid);
            snapshots.write(zxid, o -> StateSnapshots.write(o, state.sessions(), state.secret(), state.tree()));
            // a standalone server never reads them; a member must not elect a leader in an epoch below its zxid's
            new EpochStore(dir).store(new EpochStore.Epochs(epoch, epoch, -1));
            Files.writeString(
                    dir.resolve(MARKER),
                    "restored from " + source + " (backup zxid 0x" + Long.toHexString(backup.zxid())
                            + "), continuing at zxid 0x" + Long.toHexString(zxid) + "\n");
            return zxid;
        }
    }

    /**
     * Moves a stopped server's state (log, snapshots, epochs, restore marker) into a new {@code before-restore-*}
     * folder of its data directory, where the operator can take it back from; returns that folder. The lock file,
     * {@code myid} and the session secret stay.
     */
    static Path moveStateAside(Path dataDir, String stamp) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path aside = dir.resolve(ASIDE_PREFIX + stamp);
        Files.createDirectory(aside);
        try {
            for (String name : STATE_FILES) {
                Path from = dir.resolve(name);
                if (Files.exists(from)) {
                    Files.move(from, aside.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            FileUtil.fsyncDirectory(aside, StorageFaults.NONE);
            FileUtil.fsyncDirectory(dir, StorageFaults.NONE);
        } catch (IOException | RuntimeException e) {
            moveStateBack(aside, dir); // all or nothing: a failed move leaves the state where it was
            throw e;
        }
        return aside;
    }

    /** Undoes {@link #moveStateAside} after a restore that could not be written: whatever it wrote is dropped. */
    static void moveStateBack(Path aside, Path dataDir) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        for (String name : STATE_FILES) {
            Path at = dir.resolve(name);
            if (Files.exists(aside.resolve(name))) {
                deleteTree(at);
                Files.move(aside.resolve(name), at, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.deleteIfExists(aside);
        FileUtil.fsyncDirectory(dir, StorageFaults.NONE);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var files = Files.walk(p)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
