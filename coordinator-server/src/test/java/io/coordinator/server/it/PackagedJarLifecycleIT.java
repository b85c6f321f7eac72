package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.testsupport.CoordinatorLauncher;
import io.coordinator.testsupport.ServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as an orchestrator meets it: a stop signal at any moment of startup ends the process
 * within 5 s and leaves a data directory the next start recovers; an unknown {@code coordinator.*} setting
 * from the environment stops startup naming it, while Kubernetes' service-link variables are only warned about.
 */
@Timeout(300)
class PackagedJarLifecycleIT {
    private static final long DEADLINE_MS = 120_000;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPackagedJar() throws IOException {
        CrashRecoveryOnCoordinatorIT.needsPackagedJar();
    }

    @Test
    void aStopSignalRightAfterLaunchEndsTheProcessWithinFiveSeconds() throws Exception {
        Path log = dir.resolve("a.log");
        Process p = launch(dir.resolve("data"), Servers.freePort(), log, Map.of());
        try {
            awaitLog(p, log, s -> s.contains("Starting CoordinatorApplication"));
            stopAndExpectExitWithinFiveSeconds(p, log);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aStopSignalOnceTheClientPortServesEndsTheProcessAndTheNextStartRecovers() throws Exception {
        int port = Servers.freePort();
        Path data = dir.resolve("data");
        Path log = dir.resolve("b.log");
        Process p = launch(data, port, log, Map.of());
        try {
            awaitPort(p, port);
            // The client port serves before the rest of the context is up: a write now is acknowledged.
            ZooKeeper zk = QuorumTlsTest.connect(port);
            try {
                zk.create("/before-stop", "kept".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } finally {
                zk.close();
            }
            stopAndExpectExitWithinFiveSeconds(p, log);
        } finally {
            p.destroyForcibly();
        }

        Process again = launch(data, port, dir.resolve("b2.log"), Map.of());
        try {
            awaitPort(again, port);
            ZooKeeper zk = QuorumTlsTest.connect(port);
            try {
                assertThat(new String(zk.getData("/before-stop", false, null), StandardCharsets.UTF_8)).isEqualTo("kept");
            } finally {
                zk.close();
            }
        } finally {
            again.destroy();
            again.waitFor(30, TimeUnit.SECONDS);
            again.destroyForcibly();
        }
    }

    @Test
    void anUnknownSettingFromTheEnvironmentStopsStartupNamingIt() throws Exception {
        Path log = dir.resolve("c.log");
        Process p = launch(dir.resolve("data"), Servers.freePort(), log, Map.of("COORDINATOR_JAR", "/opt/coordinator.jar"));
        try {
            assertThat(p.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS)).as("startup stopped").isTrue();
            assertThat(p.exitValue()).isNotZero();
            assertThat(read(log)).contains("Unknown Coordinator setting: coordinator.jar")
                    .contains("COORDINATOR_JAR");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void kubernetesServiceLinkVariablesAreIgnoredWithAWarning() throws Exception {
        int port = Servers.freePort();
        Path log = dir.resolve("d.log");
        Process p = launch(dir.resolve("data"), port, log, Map.of(
                "COORDINATOR_SERVICE_HOST", "10.96.0.10", "COORDINATOR_PORT", "tcp://10.96.0.10:2181",
                "COORDINATOR_PORT_2181_TCP_ADDR", "10.96.0.10"));
        try {
            awaitPort(p, port);
            awaitLog(p, log, s -> s.contains("Started CoordinatorApplication"));
            assertThat(read(log)).contains("WARN").contains("Ignoring environment variable COORDINATOR_SERVICE_HOST")
                    .contains("Ignoring environment variable COORDINATOR_PORT_2181_TCP_ADDR");
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    /** SIGTERM; the process must be gone within 5 s, through the startup path if the context was not up yet. */
    private static void stopAndExpectExitWithinFiveSeconds(Process p, Path log) throws Exception {
        boolean startedBefore = read(log).contains("Started CoordinatorApplication");
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).as("exited within 5 s of SIGTERM").isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        if (!startedBefore) {
            assertThat(read(log)).contains("Stop requested while starting");
        }
    }

    private static Process launch(Path data, int port, Path log, Map<String, String> env) throws IOException {
        ServerProcess server = new ServerProcess("coordinator",
                CoordinatorLauncher.jar(CrashRecoveryOnCoordinatorIT.JAR).jvmOptions("-Xmx512m").command(List.of(
                        "--coordinator.client-port=" + port,
                        "--coordinator.client-address=127.0.0.1",
                        "--coordinator.data-dir=" + data,
                        "--server.port=0",
                        "--server.address=127.0.0.1")), log);
        env.forEach(server::environment);
        server.start();
        return server.process().orElseThrow();
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Polls the process's log (a file it appends to) until {@code done} holds. */
    private static void awaitLog(Process p, Path log, Predicate<String> done) throws Exception {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (!done.test(read(log))) {
            assertThat(p.isAlive()).as("process alive; log:%n%s", read(log)).isTrue();
            assertThat(System.currentTimeMillis()).as("log line within %d ms", DEADLINE_MS).isLessThan(deadline);
            Thread.sleep(20); // polling a file another process writes
        }
    }

    private static void awaitPort(Process p, int port) throws Exception {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                assertThat(p.isAlive()).as("process alive").isTrue();
                assertThat(System.currentTimeMillis()).as("port open within %d ms", DEADLINE_MS).isLessThan(deadline);
                Thread.sleep(20); // polling a port another process opens
            }
        }
    }
}
