package io.coordinator.server.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Storage faults driven by a control file another process writes (the trust harness's nemesis), for testing
 * a real server process: only made when {@code coordinator.testing.storage-faults-file} is set; otherwise
 * the server uses {@link StorageFaults#NONE}. The file holds one word: {@code slow <ms>} delays every fsync,
 * {@code fail} makes every fsync throw (as EIO would), {@code enospc} makes every write and fsync throw as a full
 * disk does, {@code readonly} makes every write, fsync, rename and delete throw as a read-only file system does,
 * {@code slow-snapshot <ms>} delays the fsync of a snapshot's temporary file (so a kill can land while a snapshot
 * is half made); anything else (or no file) injects nothing. It is
 * re-read at most every {@code recheckNanos}, so a fault starts and ends within that of the file changing.
 */
public final class ControlFileStorageFaults implements StorageFaults {
    private final Path control;
    private final long recheckNanos;
    private long readAt;
    private boolean read;
    private String command = "";

    public ControlFileStorageFaults(Path control, long recheckNanos) {
        this.control = control;
        this.recheckNanos = recheckNanos;
    }

    public ControlFileStorageFaults(Path control) {
        this(control, TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Override
    public void beforeWrite(Path file, long offset, int length) throws IOException {
        refuseIfFullOrReadOnly(file);
    }

    @Override
    public void beforeRename(Path from, Path to) throws IOException {
        if (command().equals("readonly")) {
            refuseIfFullOrReadOnly(from);
        }
    }

    @Override
    public void beforeDelete(Path file) throws IOException {
        if (command().equals("readonly")) {
            refuseIfFullOrReadOnly(file);
        }
    }

    private void refuseIfFullOrReadOnly(Path file) throws IOException {
        String c = command();
        if (c.equals("enospc")) {
            throw new IOException("No space left on device (injected for " + file + " by " + control + ")");
        }
        if (c.equals("readonly")) {
            throw new IOException("Read-only file system (injected for " + file + " by " + control + ")");
        }
    }

    @Override
    public void beforeSync(Path file) throws IOException {
        refuseIfFullOrReadOnly(file);
        String c = command();
        if (c.equals("fail")) {
            throw new IOException("injected fsync failure of " + file + " (" + control + ")");
        }
        String delay = c.startsWith("slow ") ? c.substring(5) : null;
        if (c.startsWith("slow-snapshot ") && isSnapshotInProgress(file)) {
            delay = c.substring("slow-snapshot ".length());
        }
        if (delay != null) {
            try {
                Thread.sleep(Long.parseLong(delay.trim()));
            } catch (NumberFormatException e) {
                // not a fault we know: inject nothing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted during an injected slow fsync", e);
            }
        }
    }

    /** A snapshot being written: {@code snapshot.<zxid>.<thread>.tmp} (see {@link SnapshotStore}). */
    static boolean isSnapshotInProgress(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(SnapshotStore.PREFIX) && name.endsWith(SnapshotStore.TMP_SUFFIX);
    }

    private synchronized String command() {
        long now = System.nanoTime();
        if (!read || now - readAt >= recheckNanos) {
            read = true;
            readAt = now;
            try {
                command = Files.readString(control, StandardCharsets.UTF_8).trim();
            } catch (NoSuchFileException e) {
                command = "";
            } catch (IOException e) {
                // keep the last command: a half-written file must not clear a fault
            }
        }
        return command;
    }
}
