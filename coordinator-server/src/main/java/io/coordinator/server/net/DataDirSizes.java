package io.coordinator.server.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What {@code dirs} reports: the bytes of the files under the snapshot directory and under the transaction log
 * directory, summed at each request as ZooKeeper's getDataDirSize/getLogDirSize walk its version-2 directories.
 *
 * @param snapshots the snapshot directory, or null (size 0)
 * @param log the transaction log directory, or null (size 0)
 */
public record DataDirSizes(Path snapshots, Path log) {
    /** No directories: both sizes 0. */
    public static final DataDirSizes NONE = new DataDirSizes(null, null);

    public long snapshotBytes() {
        return bytesUnder(snapshots);
    }

    public long logBytes() {
        return bytesUnder(log);
    }

    /** The sum of the sizes of the regular files under {@code dir}; files removed meanwhile (a purge) count 0. */
    static long bytesUnder(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.mapToLong(DataDirSizes::sizeOf).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0; // the directory went away while it was walked
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
