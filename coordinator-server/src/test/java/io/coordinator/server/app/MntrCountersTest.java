package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.TestPki;
import io.coordinator.server.TestPki.Identity;
import io.coordinator.server.it.RawClient;
import io.coordinator.testsupport.LoopbackPorts;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The mntr counters and the dirs sizes that were hard-coded zeros, moved by what moves them in ZooKeeper: bytes
 * written to the log and snapshots, connections without TLS (local, remote), TLS handshakes in flight and failed.
 */
class MntrCountersTest {
    @TempDir
    Path dir;

    private int plainPort;

    @Test
    void dirsReportsTheBytesOfTheLogAndOfTheSnapshots() throws Exception {
        plainPort = LoopbackPorts.next();
        try (ConfigurableApplicationContext ctx =
                start("--coordinator.client-port=" + plainPort, "--coordinator.snapshot-every-txns=20")) {
            long log0 = dirs("logdir_size");
            long snap0 = dirs("datadir_size");
            ZooKeeper zk = TestClients.connect(plainPort);
            try {
                byte[] value = new byte[10_000];
                for (int i = 0; i < 50; i++) {
                    zk.create("/n" + i, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                }
            } finally {
                zk.close();
            }
            // 500 kB of values went through the log (acknowledged: on disk) and, past 20 txns, into a snapshot
            assertThat(dirs("logdir_size")).isGreaterThan(log0 + 500_000);
            awaitTrue(() -> dirs("datadir_size") > snap0 + 200_000, "a snapshot holding the values");
            String conf = RawClient.fourLetterWord(plainPort, "conf");
            assertThat(conf).contains("dataLogSize=" + dirs("logdir_size") + "\n");
            assertThat(conf).doesNotContain("dataDirSize=0\n");
        }
    }

    @Test
    void connectionsWithoutTlsAreCountedAsLocalOrRemote() throws Exception {
        plainPort = LoopbackPorts.next();
        Optional<InetAddress> remote = nonLoopbackAddress();
        try (ConfigurableApplicationContext ctx = start(
                "--coordinator.client-port=" + plainPort,
                "--coordinator.client-address=" + (remote.isPresent() ? "0.0.0.0" : "127.0.0.1"))) {
            long local0 = mntrLong("non_mtls_local_conn_count"); // mntr's own connection counts too
            assertThat(local0).isPositive();
            TestClients.connect(plainPort).close();
            assertThat(mntrLong("non_mtls_local_conn_count")).isEqualTo(local0 + 2); // the client, this mntr
            assertThat(mntrLong("non_mtls_remote_conn_count")).isZero();

            Assumptions.assumeTrue(remote.isPresent(), "this host has a non-loopback IPv4 address");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(remote.get(), plainPort), 10_000);
                s.getOutputStream().write("ruok".getBytes(StandardCharsets.US_ASCII));
                s.getInputStream().readAllBytes();
            }
            assertThat(mntrLong("non_mtls_remote_conn_count")).isEqualTo(1);
        }
    }

    @Test
    void tlsHandshakesInFlightAndFailedOnesAreCounted() throws Exception {
        Identity ca = TestPki.ca("test-ca");
        Path trust = TestPki.trustStore(dir.resolve("trust.p12"), ca);
        Path keys = TestPki.keyStore(dir.resolve("server.p12"), TestPki.issue(ca, "server"));
        plainPort = LoopbackPorts.next();
        int securePort = LoopbackPorts.next();
        List<String> args = new ArrayList<>(List.of(
                "--coordinator.client-port=" + plainPort,
                "--coordinator.secure-client-port=" + securePort,
                "--coordinator.ssl.client-bundle=server",
                "--coordinator.ssl.client-auth=want"));
        args.addAll(TestPki.jksBundle("server", keys, trust));
        try (ConfigurableApplicationContext ctx = start(args.toArray(new String[0]))) {
            assertThat(mntrLong("outstanding_tls_handshake")).isZero();
            assertThat(mntrLong("auth_failed_count")).isZero();

            // a client that connects and says nothing: its handshake is in flight until it goes
            try (Socket silent = new Socket("127.0.0.1", securePort)) {
                awaitTrue(() -> mntrLong("outstanding_tls_handshake") == 1, "one handshake in flight");
            }
            awaitTrue(() -> mntrLong("outstanding_tls_handshake") == 0, "no handshake in flight");
            // as in ZooKeeper, a handshake that does not complete is an authentication failure
            awaitTrue(() -> mntrLong("auth_failed_count") == 1, "the abandoned handshake counted");

            // plain text on the secure port fails the handshake (and is no non-mTLS connection: it came for TLS)
            long local0 = mntrLong("non_mtls_local_conn_count");
            try (Socket plain = new Socket("127.0.0.1", securePort)) {
                OutputStream out = plain.getOutputStream();
                out.write("ruok".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                plain.getInputStream().readAllBytes(); // the server closes it
            }
            assertThat(mntrLong("non_mtls_local_conn_count")).isEqualTo(local0 + 1); // this mntr's own
            awaitTrue(() -> mntrLong("auth_failed_count") == 2, "the plain-text handshake counted");
            assertThat(mntrLong("outstanding_tls_handshake")).isZero();

            // srst clears traffic statistics, not these (as in ZooKeeper)
            RawClient.fourLetterWord(plainPort, "srst");
            assertThat(mntrLong("auth_failed_count")).isEqualTo(2);
        }
    }

    private ConfigurableApplicationContext start(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0", "--server.address=127.0.0.1", "--coordinator.data-dir=" + dir.resolve("data")));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(CoordinatorApplication.class).run(args.toArray(new String[0]));
    }

    private long dirs(String key) {
        try {
            for (String line : RawClient.fourLetterWord(plainPort, "dirs").split("\n")) {
                if (line.startsWith(key + ": ")) {
                    return Long.parseLong(line.substring(key.length() + 2).trim());
                }
            }
        } catch (Exception e) {
            throw new AssertionError("dirs on " + plainPort, e);
        }
        throw new AssertionError("dirs has no " + key);
    }

    private long mntrLong(String key) {
        try {
            for (String line : RawClient.fourLetterWord(plainPort, "mntr").split("\n")) {
                String[] kv = line.split("\t");
                if (kv[0].equals("zk_" + key)) {
                    return Long.parseLong(kv[1]);
                }
            }
        } catch (Exception e) {
            throw new AssertionError("mntr on " + plainPort, e);
        }
        throw new AssertionError("mntr has no zk_" + key);
    }

    /** Polls an observable condition (not a synchronisation by time) for up to 30 s. */
    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(50); // polling observable state, not synchronising by time
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }
}
