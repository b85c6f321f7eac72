package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.TestPki;
import io.coordinator.server.TestPki.Identity;
import io.coordinator.testsupport.LoopbackPorts;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A PEM bundle with reload-on-update: replacing the certificate and key files changes what new TLS
 * connections are served, without a restart, while a client connected before keeps its connection.
 */
class TlsReloadTest {
    @TempDir
    Path dir;

    @Test
    void newConnectionsGetTheNewCertificateAndOldOnesStayUp() throws Exception {
        Identity ca = TestPki.ca("ca");
        Path trust = TestPki.trustStore(dir.resolve("trust.p12"), ca);
        Identity first = TestPki.issue(ca, "server-1");
        Path cert = TestPki.pemCertificate(dir.resolve("server.crt"), first);
        Path key = TestPki.pemKey(dir.resolve("server.key"), first);
        int securePort = LoopbackPorts.next();
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(CoordinatorApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--coordinator.client-port=" + LoopbackPorts.next(),
                        "--coordinator.secure-client-port=" + securePort,
                        "--coordinator.data-dir=" + dir.resolve("data"),
                        "--coordinator.ssl.client-bundle=server",
                        "--spring.ssl.bundle.pem.server.keystore.certificate=file:" + cert,
                        "--spring.ssl.bundle.pem.server.keystore.private-key=file:" + key,
                        "--spring.ssl.bundle.pem.server.reload-on-update=true",
                        "--spring.ssl.bundle.watch.file.quiet-period=100ms")) {
            assertThat(servedCommonName(securePort, ca)).isEqualTo("server-1");
            BlockingQueue<WatchedEvent> states = new LinkedBlockingQueue<>();
            ZooKeeper before =
                    SecureClientPortTest.connect(securePort, TestPki.zkClientConfig(trust, null), states::add);
            try {
                before.create("/reload", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

                Identity second = TestPki.issue(ca, "server-2");
                TestPki.pemKey(key, second);
                TestPki.pemCertificate(cert, second);

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!"server-2".equals(servedCommonName(securePort, ca))) {
                    assertThat(System.nanoTime())
                            .as("reloaded certificate served")
                            .isLessThan(deadline);
                    Thread.sleep(100); // polling what new connections are served, not synchronising
                }
                assertThat(before.getData("/reload", false, null)).asString().isEqualTo("x");
                assertThat(states)
                        .extracting(WatchedEvent::getState)
                        .as("the connection made before the reload was never dropped")
                        .containsOnly(Watcher.Event.KeeperState.SyncConnected);
            } finally {
                before.close();
            }
        }
    }

    /** The CN of the certificate the secure port presents to a new connection. */
    private static String servedCommonName(int port, Identity ca) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, TestPki.trustManagers(ca).getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            socket.startHandshake();
            X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            String subject = leaf.getSubjectX500Principal().getName();
            return List.of(subject.split(",")).stream()
                    .filter(p -> p.startsWith("CN="))
                    .findFirst()
                    .map(p -> p.substring(3))
                    .orElseThrow();
        }
    }
}
