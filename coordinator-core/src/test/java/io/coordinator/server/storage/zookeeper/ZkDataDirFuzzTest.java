package io.coordinator.server.storage.zookeeper;

import ch.qos.logback.classic.Level;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.coordinator.server.storage.CorruptStorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.LoggerFactory;

/**
 * Fuzzes the reader of Apache ZooKeeper data directories, {@link ZkDataDir#load}. Byte 0 picks the file the
 * rest of the input becomes:
 * <ul>
 *   <li>even: {@code log.6}, after a valid {@code snapshot.5};</li>
 *   <li>odd: {@code snapshot.5}, before a valid {@code log.6}.</li>
 * </ul>
 *
 * <p>Contract: damaged files are refused with a {@link CorruptStorageException} (the server does not start);
 * nothing else escapes, nothing hangs or runs out of memory.
 */
class ZkDataDirFuzzTest {
    private static final Path DIR = scratch();

    static {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.coordinator.server.storage"))
                .setLevel(Level.ERROR);
    }

    @FuzzTest
    void load(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        Path v2 = DIR.resolve(ZkDataDir.VERSION_DIR);
        Files.createDirectories(v2);
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        boolean log = (input[0] & 1) == 0;
        Files.write(v2.resolve("snapshot.5"), log ? ZkBytes.snapshot(5) : rest);
        Files.write(v2.resolve("log.6"), log ? rest : ZkBytes.log(16, ZkBytes.setData(6, "/a", "B", 1)));
        try {
            ZkDataDir.load(DIR, DIR);
        } catch (CorruptStorageException e) {
            // refused, naming the file
        } catch (RuntimeException e) {
            throw new AssertionError("the ZooKeeper data reader threw " + e, e);
        }
    }

    private static Path scratch() {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "zkdata-fuzz")
                    : Files.createTempDirectory("zkdata-fuzz");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
