package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.app.TestClients;
import io.coordinator.testsupport.CoordinatorLauncher;
import io.coordinator.testsupport.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The StatefulSet scaled from 3 to 4 and back, as k8s/entrypoint.sh does it, on loopback: three bootstrap members
 * (in this JVM) and pod coordinator-3 as a process of the packaged jar started through the real entrypoint with
 * the manifest's variables (its own address and the client service's replaced by loopback ports). The entrypoint
 * reads the membership, starts the server knowing it and itself, and has it added: it follows and serves what the
 * others wrote. Its preStop hook ({@code entrypoint.sh --leave}) removes it; the bootstrap members' hook does
 * nothing.
 */
@Timeout(300)
@ExtendWith(NeedsPackagedJar.class)
class KubernetesScalingIT {
    private static final String SUPER = "super:kubernetes-scaling-it";
    private static final Path ENTRYPOINT =
            Path.of("..", "k8s", "entrypoint.sh").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void aPodBeyondTheBootstrapEnsembleJoinsItAndLeavesItOnPreStop() throws Exception {
        int[] client = new int[4];
        String[] address = new String[4];
        for (int i = 0; i < 4; i++) {
            client[i] = Servers.freePort();
            address[i] = "127.0.0.1:" + Servers.freePort() + ":" + Servers.freePort() + ":participant;127.0.0.1:"
                    + client[i];
        }
        String bootstrap = "1=" + address[0] + ",2=" + address[1] + ",3=" + address[2];
        String dynamic = "server.1=" + address[0] + "\nserver.2=" + address[1] + "\nserver.3=" + address[2] + "\n";
        List<ConfigurableApplicationContext> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                members.add(Servers.startReconfigurable(dir, i, dynamic, SUPER));
            }
            Servers.awaitEnsembleServing(new int[] {client[0], client[1], client[2]}, Duration.ofSeconds(90));
            try (ZooKeeper zk = TestClients.connect(client[0])) {
                zk.create("/before-scaling", "kept".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }

            Map<String, String> podEnv = Map.of(
                    "HOSTNAME",
                    "coordinator-3",
                    "COORDINATOR_ENSEMBLE",
                    bootstrap,
                    "ENSEMBLE_JOIN",
                    "127.0.0.1:" + client[1],
                    "ENSEMBLE_JOIN_ADDRESS",
                    address[3],
                    "ENSEMBLE_AUTH",
                    SUPER,
                    "ENSEMBLE_COMMAND_JAR",
                    CrashRecoveryOnCoordinatorIT.JAR.toAbsolutePath().toString());
            List<String> command = new ArrayList<>(List.of("sh", ENTRYPOINT.toString()));
            command.addAll(CoordinatorLauncher.jar(CrashRecoveryOnCoordinatorIT.JAR)
                    .jvmOptions("-Xmx256m")
                    .command(List.of(
                            "--coordinator.client-port=" + client[3],
                            "--coordinator.client-address=127.0.0.1",
                            "--coordinator.data-dir=" + dir.resolve("pod3"),
                            "--coordinator.tick-time=200",
                            "--coordinator.reconfig-enabled=true",
                            "--server.port=0",
                            "--server.address=127.0.0.1")));
            try (ServerProcess pod = new ServerProcess("coordinator-3", command, dir.resolve("pod3.log"))) {
                podEnv.forEach(pod::environment);
                pod.start();

                String[] modes;
                try {
                    modes = Servers.awaitEnsembleServing(client, Duration.ofSeconds(120));
                } catch (IllegalStateException e) {
                    throw new AssertionError(e.getMessage() + "; pod 3's log:\n" + pod.logTail(60), e);
                }
                assertThat(modes[3]).isIn("follower", "leader");
                assertThat(Servers.configOf(client[0])).contains("server.4=" + address[3]);
                awaitLog(dir.resolve("pod3.log"), "server 4 is a member"); // the entrypoint's background add
                try (ZooKeeper zk = TestClients.connect(client[3])) {
                    sync(zk, "/before-scaling");
                    assertThat(new String(zk.getData("/before-scaling", false, null), StandardCharsets.UTF_8))
                            .isEqualTo("kept");
                }

                // preStop: a bootstrap member's hook leaves the membership alone, pod 3's removes it
                assertThat(preStop(podEnv, "coordinator-2").status).isZero();
                assertThat(Servers.configOf(client[0])).contains("server.3=" + address[2]);
                Hook leave = preStop(podEnv, "coordinator-3");
                assertThat(leave.status).as(leave.output).isZero();
                assertThat(leave.output).contains("server 4 is not a member");
                assertThat(Servers.configOf(client[0])).doesNotContain("server.4=");
            }
        } finally {
            for (ConfigurableApplicationContext m : members) {
                m.close();
            }
        }
    }

    private record Hook(int status, String output) {}

    /** Runs the preStop hook, {@code entrypoint.sh --leave}, in pod {@code hostname}'s environment. */
    private static Hook preStop(Map<String, String> env, String hostname) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", ENTRYPOINT.toString(), "--leave").redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("HOSTNAME", hostname);
        pb.environment().remove("COORDINATOR_SERVER_ID");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Hook(p.exitValue(), output);
    }

    /** Polls a log another process appends to until it holds {@code line}. */
    private static void awaitLog(Path log, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains(line)) {
            assertThat(System.nanoTime()).as("'%s' in %s", line, log).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void sync(ZooKeeper zk, String path) throws Exception {
        CompletableFuture<Integer> synced = new CompletableFuture<>();
        zk.sync(path, (rc, p, ctx) -> synced.complete(rc), null);
        synced.get(30, TimeUnit.SECONDS);
    }
}
