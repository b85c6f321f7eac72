package io.coordinator.server.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coordinator.testsupport.CoordinatorLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;

/**
 * The crash test against the packaged Coordinator jar ({@code target/coordinator-server.jar}), started with
 * {@code java -jar}. Named {@code *IT} so that Failsafe runs it in {@code mvn verify}, after {@code package}
 * has built the jar. When run earlier (e.g. by Surefire with {@code -Dtest='io.coordinator.server.it.**'}) it
 * is skipped if the jar is absent or older than the compiled classes;
 * {@code -Dcoordinator.crash-test.require-jar=true} turns that skip into a failure.
 */
class CrashRecoveryOnCoordinatorIT extends CrashRecoveryTest {
    static final Path JAR = Paths.get("target", "coordinator-server.jar");

    @BeforeAll
    static void needsPackagedJar() throws IOException {
        boolean required = Boolean.getBoolean("coordinator.crash-test.require-jar");
        String why = usable();
        if (required) {
            assertTrue(why == null, why);
        } else {
            assumeTrue(why == null, why);
        }
    }

    /** null if the jar exists and is at least as new as every compiled main class, else the reason. */
    static String usable() throws IOException {
        if (!Files.isRegularFile(JAR)) {
            return JAR.toAbsolutePath() + " is absent (run mvn package / verify)";
        }
        long jarTime = Files.getLastModifiedTime(JAR).toMillis();
        Path classes = Paths.get("target", "classes");
        if (Files.isDirectory(classes)) {
            try (Stream<Path> s = Files.walk(classes)) {
                long newest = s.filter(Files::isRegularFile)
                        .mapToLong(p -> p.toFile().lastModified())
                        .max()
                        .orElse(0);
                if (newest > jarTime) {
                    return JAR.toAbsolutePath() + " is older than target/classes (stale; run mvn package)";
                }
            }
        }
        return null;
    }

    @Override
    protected List<String> command(Path dataDir, int port) {
        return CoordinatorLauncher.jar(JAR)
                .jvmOptions("-Xmx512m")
                .command(List.of(
                        "--coordinator.client-port=" + port,
                        "--coordinator.data-dir=" + dataDir,
                        "--coordinator.tick-time=2000",
                        "--coordinator.ttl-nodes-enabled=true",
                        "--coordinator.four-letter-words=*",
                        "--server.port=0",
                        "--server.address=127.0.0.1"));
    }
}
