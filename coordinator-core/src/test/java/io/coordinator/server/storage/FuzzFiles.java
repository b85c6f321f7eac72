package io.coordinator.server.storage;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/** A scratch directory reused by every execution of a storage fuzz target, and quiet storage logging. */
final class FuzzFiles {
    private FuzzFiles() {}

    /** Storage logs a WARN per repaired file: thousands a second while fuzzing. */
    static void quietLogs() {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.coordinator.server.storage"))
                .setLevel(Level.ERROR);
    }

    static Path scratch(String name) {
        try {
            // tmpfs when there is one: the targets fsync on every execution
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, name)
                    : Files.createTempDirectory(name);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes everything inside {@code dir}, keeping {@code dir}. */
    static void clear(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
