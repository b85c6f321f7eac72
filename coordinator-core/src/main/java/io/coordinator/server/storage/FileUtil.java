package io.coordinator.server.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Small file helpers shared by the log, the snapshot store, the epoch store and the ZooKeeper export. */
public final class FileUtil {
    private FileUtil() {}

    /**
     * fsyncs a directory so that file creations, renames and deletions in it survive a crash. On Linux
     * opening a directory for reading and forcing it works; platforms that refuse (Windows) are ignored.
     */
    public static void fsyncDirectory(Path dir, StorageFaults faults) throws IOException {
        faults.beforeSync(dir);
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (System.getProperty("os.name", "").toLowerCase().startsWith("windows")) {
                return;
            }
            throw e;
        }
    }

    /** Renames {@code from} over {@code to} atomically; durable only after {@link #fsyncDirectory}. */
    public static void atomicMove(Path from, Path to, StorageFaults faults) throws IOException {
        faults.beforeRename(from, to);
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes {@code file} if it exists; durable only after {@link #fsyncDirectory}. */
    static void delete(Path file, StorageFaults faults) throws IOException {
        if (Files.exists(file)) {
            faults.beforeDelete(file);
            Files.deleteIfExists(file);
        }
    }

    static String hex(long zxid) {
        return String.format("%016x", zxid);
    }
}
