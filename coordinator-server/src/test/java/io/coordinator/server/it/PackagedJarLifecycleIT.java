package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.app.KubernetesServiceLinks;
import io.coordinator.server.app.TestClients;
import io.coordinator.testsupport.CoordinatorLauncher;
import io.coordinator.testsupport.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as an orchestrator meets it: a stop signal at any moment of startup ends the process
 * within 5 s and leaves a data directory the next start recovers; an unknown {@code coordinator.*} setting
 * from the environment stops startup naming it, while Kubernetes' service-link variables are only warned about.
 */
@Timeout(300)
@ExtendWith(NeedsPackagedJar.class)
class PackagedJarLifecycleIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void aStopSignalRightAfterLaunchEndsTheProcessWithinFiveSeconds() throws Exception {
        Path log = dir.resolve("a.log");
        try (ServerProcess server = launch(dir.resolve("data"), Servers.freePort(), log, Map.of())) {
            Process p = server.process().orElseThrow();
            awaitLog(p, log, s -> s.contains("Starting CoordinatorApplication"));
            stopAndExpectExitWithinFiveSeconds(p, log);
        }
    }

    @Test
    void aStopSignalOnceTheClientPortServesEndsTheProcessAndTheNextStartRecovers() throws Exception {
        int port = Servers.freePort();
        Path data = dir.resolve("data");
        Path log = dir.resolve("b.log");
        try (ServerProcess server = launch(data, port, log, Map.of())) {
            server.awaitListening(port, DEADLINE);
            // The client port serves before the rest of the context is up: a write now is acknowledged.
            try (ZooKeeper zk = TestClients.connect(port)) {
                zk.create("/before-stop", "kept".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            stopAndExpectExitWithinFiveSeconds(server.process().orElseThrow(), log);
        }

        try (ServerProcess again = launch(data, port, dir.resolve("b2.log"), Map.of())) {
            again.awaitListening(port, DEADLINE);
            try (ZooKeeper zk = TestClients.connect(port)) {
                assertThat(new String(zk.getData("/before-stop", false, null), StandardCharsets.UTF_8))
                        .isEqualTo("kept");
            }
        }
    }

    @Test
    void anUnknownSettingFromTheEnvironmentStopsStartupNamingIt() throws Exception {
        Path log = dir.resolve("c.log");
        try (ServerProcess server = launch(
                dir.resolve("data"), Servers.freePort(), log, Map.of("COORDINATOR_JAR", "/opt/coordinator.jar"))) {
            Process p = server.process().orElseThrow();
            assertThat(p.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                    .as("startup stopped")
                    .isTrue();
            assertThat(p.exitValue()).isNotZero();
            assertThat(read(log))
                    .contains("Unknown Coordinator setting: coordinator.jar")
                    .contains("COORDINATOR_JAR");
        }
    }

    @Test
    void kubernetesServiceLinkVariablesAreIgnoredWithAWarning() throws Exception {
        int port = Servers.freePort();
        Path log = dir.resolve("d.log");
        try (ServerProcess server = launch(dir.resolve("data"), port, log, KubernetesServiceLinks.VARIABLES)) {
            server.awaitListening(port, DEADLINE);
            awaitLog(server.process().orElseThrow(), log, s -> s.contains("Started CoordinatorApplication"));
            assertThat(read(log))
                    .contains("WARN")
                    .contains("Ignoring environment variable COORDINATOR_SERVICE_HOST")
                    .contains("Ignoring environment variable COORDINATOR_PORT_2181_TCP_ADDR");
        }
    }

    /** SIGTERM; the process must be gone within 5 s, through the startup path if the context was not up yet. */
    private static void stopAndExpectExitWithinFiveSeconds(Process p, Path log) throws Exception {
        boolean startedBefore = read(log).contains("Started CoordinatorApplication");
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(5, TimeUnit.SECONDS))
                .as("exited within 5 s of SIGTERM")
                .isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        if (!startedBefore) {
            assertThat(read(log)).contains("Stop requested while starting");
        }
    }

    private static ServerProcess launch(Path data, int port, Path log, Map<String, String> env) throws IOException {
        ServerProcess server = new ServerProcess(
                "coordinator",
                CoordinatorLauncher.jar(CrashRecoveryOnCoordinatorIT.JAR)
                        .jvmOptions("-Xmx512m")
                        .command(List.of(
                                "--coordinator.client-port=" + port,
                                "--coordinator.client-address=127.0.0.1",
                                "--coordinator.data-dir=" + data,
                                "--server.port=0",
                                "--server.address=127.0.0.1")),
                log);
        env.forEach(server::environment);
        server.start();
        return server;
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Polls the process's log (a file it appends to) until {@code done} holds. */
    private static void awaitLog(Process p, Path log, Predicate<String> done) throws Exception {
        long deadline = System.currentTimeMillis() + DEADLINE.toMillis();
        while (!done.test(read(log))) {
            assertThat(p.isAlive()).as("process alive; log:%n%s", read(log)).isTrue();
            assertThat(System.currentTimeMillis())
                    .as("log line within %d ms", DEADLINE.toMillis())
                    .isLessThan(deadline);
            Thread.sleep(20); // polling a file another process writes
        }
    }
}
