package io.coordinator.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether a data directory can take writes again after a full or read-only disk stopped the server: enough usable
 * space for the log's next step, and a small file written, fsynced and deleted through the storage hook (so an
 * injected fault counts as the real one would).
 */
public final class WritableCheck {
    static final String PROBE = "writable.probe";
    private static final int PROBE_BYTES = 4096;

    private WritableCheck() {}

    /** Null when {@code dir} can be written with {@code neededBytes} to spare; else why not. */
    public static String problem(Path dir, long neededBytes, StorageFaults faults) {
        Path probe = dir.resolve(PROBE);
        try {
            long usable = Files.getFileStore(dir).getUsableSpace();
            if (usable < neededBytes) {
                return "only " + usable + " bytes usable in " + dir + ", " + neededBytes + " needed";
            }
            try (FileChannel ch = FileChannel.open(
                    probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                faults.beforeWrite(probe, 0, PROBE_BYTES);
                ch.write(ByteBuffer.allocate(PROBE_BYTES));
                faults.beforeSync(probe);
                ch.force(true);
            }
            faults.beforeDelete(probe);
            Files.delete(probe);
            return null;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(probe); // not through the hook: a failing hook must not hide the first failure
            } catch (IOException ignored) {
                // still not writable: the next check tries again
            }
            return String.valueOf(e.getMessage());
        }
    }
}
