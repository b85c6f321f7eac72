package io.coordinator.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's data directory: {@code <dataDir>/log} (transaction log segments), {@code <dataDir>/snapshot}
 * (snapshots) and {@code <dataDir>/lock}, an exclusive OS file lock held while the directory is open so
 * two servers can never write the same data (the lock dies with the process, so no stale-lock cleanup).
 */
public final class DataDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    public static final String LOG_DIR = "log";
    public static final String SNAPSHOT_DIR = "snapshot";
    public static final String LOCK_FILE = "lock";

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates the layout if needed and takes the lock.
     *
     * @throws DataDirectoryLockedException if another server (or another instance in this JVM) holds it
     */
    public static DataDirectory open(Path dataDir) throws IOException {
        return open(dataDir, StorageFaults.NONE);
    }

    /**
     * As {@link #open(Path)}, with the storage hook consulted for the lock file's write and the directory's fsync:
     * a data directory that cannot be written (full, read-only) fails here, at start, naming the file and why.
     */
    public static DataDirectory open(Path dataDir, StorageFaults faults) throws IOException {
        Files.createDirectories(dataDir);
        Path lockPath = dataDir.resolve(LOCK_FILE);
        FileChannel ch = FileChannel.open(
                lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            String holder = "";
            try {
                holder = Files.readString(lockPath, StandardCharsets.UTF_8).trim();
            } catch (IOException ignored) {
                // best effort
            }
            ch.close();
            throw new DataDirectoryLockedException("Data directory " + dataDir.toAbsolutePath()
                    + " is in use by another Coordinator server" + (holder.isEmpty() ? "" : " (" + holder + ")")
                    + ": its lock file " + lockPath + " is held. Each server needs its own data directory.");
        }
        try {
            byte[] pid = ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8);
            faults.beforeWrite(lockPath, 0, pid.length);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(pid), 0);
            Files.createDirectories(dataDir.resolve(LOG_DIR));
            Files.createDirectories(dataDir.resolve(SNAPSHOT_DIR));
            FileUtil.fsyncDirectory(dataDir, faults);
        } catch (IOException | RuntimeException e) {
            lock.release();
            ch.close();
            if (e instanceof IOException io) {
                throw new IOException(
                        "Data directory " + dataDir.toAbsolutePath() + " cannot be written (" + lockPath + "): "
                                + io.getMessage(),
                        io);
            }
            throw e;
        }
        LOG.info("Opened data directory {}", dataDir.toAbsolutePath());
        return new DataDirectory(dataDir, ch, lock);
    }

    public Path root() {
        return root;
    }

    public Path logDir() {
        return root.resolve(LOG_DIR);
    }

    public Path snapshotDir() {
        return root.resolve(SNAPSHOT_DIR);
    }

    public TxnLog openLog(LogOptions options) throws IOException {
        return TxnLog.open(logDir(), options);
    }

    public SnapshotStore openSnapshots(StorageFaults faults) throws IOException {
        return new SnapshotStore(snapshotDir(), faults);
    }

    /** Releases the lock. Close the log and stop snapshotting first. */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            lockChannel.close();
        }
    }

    /** Another process (or another open instance) holds the data directory's lock. */
    public static final class DataDirectoryLockedException extends IOException {
        public DataDirectoryLockedException(String message) {
            super(message);
        }
    }
}
