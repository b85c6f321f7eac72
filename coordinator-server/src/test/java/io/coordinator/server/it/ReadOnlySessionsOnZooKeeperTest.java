package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.testsupport.FaultProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.junit.jupiter.api.Test;

/**
 * The read-only scenario against Apache ZooKeeper 3.9.5: three QuorumPeerMain processes with
 * {@code readonlymode.enabled=true} and local sessions on (with the default, localSessionsEnabled=false, its
 * read-only member refuses new sessions too: ZOOKEEPER-3863). Validates the scenario on the reference.
 */
class ReadOnlySessionsOnZooKeeperTest extends ReadOnlySessionsTest {
    @Override
    protected Members startEnsemble(Path dir) throws Exception {
        return startEnsemble(dir, true);
    }

    private static ZooKeeperProcesses startEnsemble(Path dir, boolean localSessions) throws Exception {
        ZooKeeperProcesses zk = new ZooKeeperProcesses(dir, localSessions);
        try {
            for (int i = 0; i < 3; i++) {
                zk.start(i);
            }
            Servers.awaitEnsembleServing(zk.clientPorts, Duration.ofSeconds(90));
            return zk;
        } catch (Exception | Error e) {
            zk.close();
            throw e;
        }
    }

    /**
     * The reference with its defaults (no local sessions): the read-only member opens no session at all. It
     * answers the ConnectRequest with a NOTREADONLY reply header instead of a ConnectResponse, which the client
     * cannot read, so it never connects. Coordinator serves these clients (README, Read-only mode).
     */
    @Test
    void withItsDefaultsAReadOnlyMemberOpensNoSession() throws Exception {
        try (ZooKeeperProcesses m = startEnsemble(dir, false);
                FaultProxy proxy = new FaultProxy(m.clientPort(0))) {
            m.stop(1);
            m.stop(2);
            awaitMode(m.clientPort(0), "read-only");
            try (RawClient raw = RawClient.open(m.clientPort(0))) {
                raw.sendFrame(RawClient.serialize(new ConnectRequest(0, 0, SESSION_TIMEOUT_MS, 0, new byte[16], true)));
                byte[] frame = raw.readFrame();
                assertThat(frame).hasSize(16);
                ReplyHeader h = RawClient.deserialize(new ReplyHeader(), frame, 0);
                assertThat(h.getErr()).isEqualTo(KeeperException.Code.NOTREADONLY.intValue());
            }
            States states = new States();
            ZooKeeper zk = new ZooKeeper("127.0.0.1:" + proxy.port(), SESSION_TIMEOUT_MS, states, true);
            try {
                awaitAttempts(proxy, 3);
                assertThat(states.seen()).isEmpty();
                assertThat(zk.getState()).isEqualTo(ZooKeeper.States.CONNECTING);
            } finally {
                zk.close();
            }
        }
    }

    @Override
    protected boolean logged(Members m, String text) throws Exception {
        for (int i = 0; i < 3; i++) {
            Path log = dir.resolve("zk" + (i + 1)).resolve("zk.log");
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return true;
            }
        }
        return false;
    }

    static final class ZooKeeperProcesses implements Members {
        private final Path dir;
        private final int[] clientPorts = new int[3];
        private final Process[] processes = new Process[3];

        ZooKeeperProcesses(Path dir, boolean localSessions) throws Exception {
            this.dir = dir;
            List<String> servers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clientPorts[i] = Servers.freePort();
                servers.add("server." + (i + 1) + "=127.0.0.1:" + Servers.freePort() + ":" + Servers.freePort());
            }
            for (int i = 0; i < 3; i++) {
                Path data = dir.resolve("zk" + (i + 1));
                Files.createDirectories(data);
                Files.writeString(data.resolve("myid"), (i + 1) + "\n");
                List<String> cfg = new ArrayList<>(List.of(
                        "tickTime=1000",
                        "initLimit=10",
                        "syncLimit=5",
                        "dataDir=" + data,
                        "clientPort=" + clientPorts[i],
                        "clientPortAddress=127.0.0.1",
                        "admin.enableServer=false",
                        "4lw.commands.whitelist=*",
                        "localSessionsEnabled=" + localSessions,
                        "localSessionsUpgradingEnabled=" + localSessions));
                cfg.addAll(servers);
                Files.write(data.resolve("zoo.cfg"), cfg);
            }
        }

        @Override
        public int clientPort(int index) {
            return clientPorts[index];
        }

        @Override
        public void start(int index) throws Exception {
            Path data = dir.resolve("zk" + (index + 1));
            processes[index] = new ProcessBuilder(
                            CrashRecoveryTest.javaBin(),
                            "-Xmx128m",
                            "-Dreadonlymode.enabled=true",
                            "-Dzookeeper.admin.enableServer=false",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                            data.resolve("zoo.cfg").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            data.resolve("zk.log").toFile()))
                    .start();
        }

        @Override
        public void stop(int index) throws Exception {
            Process p = processes[index];
            if (p == null) {
                return;
            }
            processes[index] = null;
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() {
            for (int i = 0; i < 3; i++) {
                try {
                    stop(i);
                } catch (Exception e) {
                    Process p = processes[i];
                    if (p != null) {
                        p.destroyForcibly();
                    }
                }
            }
        }
    }
}
