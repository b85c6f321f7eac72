package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.TestPki;
import io.coordinator.server.TestPki.Identity;
import io.coordinator.server.app.TestClients;
import io.coordinator.testsupport.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** Three in-process members whose peer links are mutual TLS (coordinator.ssl.quorum-bundle). */
@ExtendWith(OutputCaptureExtension.class)
class QuorumTlsTest {
    @TempDir
    static Path certs;

    static Path trustStore;
    static Path peerKeyStore;
    static Path strangerKeyStore;

    @BeforeAll
    static void certificates() throws Exception {
        Identity ca = TestPki.ca("ensemble-ca");
        trustStore = TestPki.trustStore(certs.resolve("trust.p12"), ca);
        peerKeyStore = TestPki.keyStore(certs.resolve("peer.p12"), TestPki.issue(ca, "peer"));
        strangerKeyStore =
                TestPki.keyStore(certs.resolve("stranger.p12"), TestPki.issue(TestPki.ca("stranger-ca"), "peer"));
    }

    static List<String> quorumTls(Path keyStore) {
        List<String> args = new ArrayList<>(TestPki.jksBundle("peer", keyStore, trustStore));
        args.add("--coordinator.ssl.quorum-bundle=peer");
        return args;
    }

    /** Writes through member {@code a}, reads through member {@code b} after a sync. */
    static void assertReplicates(int a, int b, String path) throws Exception {
        ZooKeeper writer = TestClients.connect(a);
        ZooKeeper reader = TestClients.connect(b);
        try {
            writer.create(path, "replicated".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            CountDownLatch synced = new CountDownLatch(1);
            reader.sync(path, (rc, p, ctx) -> synced.countDown(), null);
            assertThat(synced.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(reader.getData(path, false, null)).asString().isEqualTo("replicated");
        } finally {
            writer.close();
            reader.close();
        }
    }

    @Test
    void anEnsembleWithQuorumTlsElectsALeaderAndReplicates(@TempDir Path dir, CapturedOutput output) throws Exception {
        try (Servers.EnsembleUnderTest ensemble =
                Servers.coordinatorEnsemble(dir, false, 3, 0, quorumTls(peerKeyStore))) {
            int[] ports = ensemble.clientPorts();
            assertReplicates(ports[0], ports[2], "/over-tls");
            assertReplicates(ports[2], ports[1], "/over-tls-too");
            assertThat(output.getOut())
                    .contains("quorum transport of server 1 listening on")
                    .contains("(mutual TLS from SSL bundle 'peer')")
                    .contains("election transport: server 2 connected to server 1 at /127.0.0.1:")
                    .containsPattern(
                            "quorum transport: server [23] connected to server 1 at /127\\.0\\.0\\.1:\\d+ \\(TLS\\)");
        }
    }

    @Test
    void aMemberWithCertificatesTheEnsembleDoesNotTrustCannotJoin(@TempDir Path dir, CapturedOutput output)
            throws Exception {
        List<Member> ensemble = Member.allocate(3, dir);
        int[] client = Member.clientPorts(ensemble);
        String members = Member.ensemble(ensemble);
        List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                List<String> args = new ArrayList<>(List.of(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--coordinator.server-id=" + (i + 1),
                        "--coordinator.ensemble=" + members,
                        "--coordinator.session-secret=" + Servers.ENSEMBLE_SECRET,
                        "--coordinator.client-port=" + client[i],
                        "--coordinator.data-dir=" + ensemble.get(i).dataDir(),
                        "--coordinator.tick-time=" + Servers.TICK_TIME));
                // Member 3 trusts the ensemble's CA but presents a certificate from another one.
                args.addAll(quorumTls(i == 2 ? strangerKeyStore : peerKeyStore));
                contexts.add(new SpringApplicationBuilder(Class.forName(Servers.COORDINATOR_APP))
                        .run(args.toArray(new String[0])));
            }
            await("members 1 and 2 to form a quorum", Duration.ofSeconds(60), () -> {
                String m1 = Servers.modeOf(client[0]);
                String m2 = Servers.modeOf(client[1]);
                return m1 != null && m2 != null && (m1 + m2).contains("leader") && (m1 + m2).contains("follower");
            });
            await(
                    "a member to refuse server 3's certificate",
                    Duration.ofSeconds(60),
                    () -> output.getOut().contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")
                            || output.getOut().contains("TLS handshake from server 1 to server 3"));
            assertThat(Servers.modeOf(client[2]))
                    .as("member 3 serves no clients: it never joined")
                    .isNull();
            assertReplicates(client[0], client[1], "/without-3");
        } finally {
            contexts.forEach(ConfigurableApplicationContext::close);
        }
    }

    static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100); // polling observable state, not synchronising
        }
    }
}
