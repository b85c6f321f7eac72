package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.testsupport.CoordinatorLauncher;
import io.coordinator.testsupport.LoopbackPorts;
import io.coordinator.testsupport.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coordinator-server/cds.sh} against the packaged jar, as the Kubernetes image and the benchmark use it: it
 * prepares the extracted layout and an AppCDS archive, the server starts from them with the archive mapped
 * (not silently ignored, as the JVM does with an archive that does not match the class path), and serves.
 */
@ExtendWith(NeedsPackagedJar.class)
class CdsLaunchIT {
    @TempDir
    static Path dir;

    @Test
    void theServerStartsFromTheArchiveItPrepared() throws Exception {
        Path layout = dir.resolve("cds");
        ProcessBuilder pb = new ProcessBuilder(
                        "sh",
                        Path.of("cds.sh").toAbsolutePath().toString(),
                        CrashRecoveryOnCoordinatorIT.JAR.toAbsolutePath().toString(),
                        layout.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prepare.log").toFile());
        pb.environment().put("JAVA", CrashRecoveryTest.javaBin()); // the archive belongs to the JVM that made it
        Process prepare = pb.start();
        prepare.getOutputStream().close();
        assertThat(prepare.waitFor(180, TimeUnit.SECONDS)).as("cds.sh finished").isTrue();
        assertThat(prepare.exitValue())
                .as(Files.readString(dir.resolve("prepare.log")))
                .isZero();
        assertThat(layout.resolve("app.jsa")).isNotEmptyFile();

        int port = LoopbackPorts.next();
        Path log = dir.resolve("server.log");
        ServerProcess server = new ServerProcess(
                "coordinator",
                CoordinatorLauncher.cds(layout)
                        .jvmOptions("-Xmx512m", "-Xlog:cds=info")
                        .command(List.of(
                                "--coordinator.client-port=" + port,
                                "--coordinator.data-dir=" + dir.resolve("data"),
                                "--server.port=0",
                                "--server.address=127.0.0.1")),
                log);
        server.start();
        try {
            awaitImok(server.process().orElseThrow(), port, log, 120);
            assertThat(Files.readString(log))
                    .contains("Mapped dynamic region")
                    .doesNotContain("shared class paths mismatch");
        } finally {
            server.kill();
        }
    }

    /** The README's first command starts the server through coordinator.sh: prepared once, archive mapped. */
    @Test
    void theLauncherPreparesTheLayoutAndStartsFromIt() throws Exception {
        int port = LoopbackPorts.next();
        Path log = dir.resolve("launcher.log");
        ProcessBuilder pb = new ProcessBuilder(
                        "sh",
                        Path.of("coordinator.sh").toAbsolutePath().toString(),
                        "--coordinator.client-port=" + port,
                        "--coordinator.data-dir=" + dir.resolve("launcher-data"),
                        "--server.port=0",
                        "--server.address=127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAVA", CrashRecoveryTest.javaBin());
        pb.environment().put("JAVA_OPTS", "-Xmx512m -Xlog:cds=info");
        Process server = pb.start();
        try {
            awaitImok(server, port, log, 240); // includes the one training run
            assertThat(Files.readString(log))
                    .contains("Mapped dynamic region")
                    .doesNotContain("shared class paths mismatch");
            server.destroy(); // SIGTERM reaches the JVM itself (the script execs it)
            assertThat(server.waitFor(60, TimeUnit.SECONDS))
                    .as("stopped on SIGTERM")
                    .isTrue();
        } finally {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitImok(Process server, int port, Path log, int seconds) throws Exception {
        String answer = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (answer == null && server.isAlive() && System.nanoTime() < deadline) {
            try {
                answer = RawClient.fourLetterWord(port, "ruok");
            } catch (IOException notYet) {
                Thread.sleep(50); // polling another process's port: there is no event to wait on
            }
        }
        assertThat(answer).as(Files.readString(log)).isEqualTo("imok");
    }
}
