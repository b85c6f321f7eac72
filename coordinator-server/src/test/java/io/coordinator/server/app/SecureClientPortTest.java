package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.TestPki;
import io.coordinator.server.TestPki.Identity;
import io.coordinator.server.it.RawClient;
import io.coordinator.testsupport.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.FourLetterWordMain;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ClientInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The secure client port with certificates minted for the test: the official client and Curator with
 * ZooKeeper's own TLS settings, four-letter words over TLS, and what is refused (plain text on the secure
 * port, an untrusted server, a missing client certificate).
 */
class SecureClientPortTest {
    @TempDir
    static Path dir;

    static Identity ca;
    static Path trustStore;
    static Identity client;
    static Path clientKeyStore;
    static Path strangerKeyStore;
    static Path strangerTrustStore;
    static Path serverKeyStore;
    static int plainPort;
    static int securePort;
    static ConfigurableApplicationContext server;

    @BeforeAll
    static void start() throws Exception {
        ca = TestPki.ca("test-ca");
        Identity stranger = TestPki.ca("stranger-ca");
        trustStore = TestPki.trustStore(dir.resolve("trust.p12"), ca);
        serverKeyStore = TestPki.keyStore(dir.resolve("server.p12"), TestPki.issue(ca, "server"));
        client = TestPki.issue(ca, "client");
        clientKeyStore = TestPki.keyStore(dir.resolve("client.p12"), client);
        strangerKeyStore = TestPki.keyStore(dir.resolve("stranger.p12"), TestPki.issue(stranger, "stranger"));
        strangerTrustStore = TestPki.trustStore(dir.resolve("stranger-trust.p12"), stranger);
        plainPort = LoopbackPorts.next();
        securePort = LoopbackPorts.next();
        server = start(dir.resolve("data"), plainPort, securePort, "want");
    }

    static ConfigurableApplicationContext start(Path data, int plain, int secure, String clientAuth) {
        List<String> args = serverArgs(data, plain, secure);
        args.add("--coordinator.ssl.client-auth=" + clientAuth);
        return new SpringApplicationBuilder(CoordinatorApplication.class).run(args.toArray(new String[0]));
    }

    /** A server on these ports and data dir whose secure port uses the bundle "server" (its key and trust store). */
    static List<String> serverArgs(Path data, int plain, int secure) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--coordinator.client-port=" + plain,
                "--coordinator.secure-client-port=" + secure,
                "--coordinator.data-dir=" + data,
                "--coordinator.ssl.client-bundle=server"));
        args.addAll(TestPki.jksBundle("server", serverKeyStore, trustStore));
        return args;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static ZooKeeper connect(int port, ZKClientConfig config, Watcher watcher) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(
                "127.0.0.1:" + port,
                10_000,
                e -> {
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                    watcher.process(e);
                },
                config);
        if (!connected.await(30, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("could not connect over TLS to " + port);
        }
        return zk;
    }

    static ZooKeeper connect(int port, ZKClientConfig config) throws Exception {
        return connect(port, config, e -> {});
    }

    /** ruok over TLS, presenting the certificate in {@code keyStore} (null: none). */
    private static String ruokOverTls(int port, Path keyStore) throws Exception {
        return FourLetterWordMain.send4LetterWord(
                "127.0.0.1", port, "ruok", TestPki.zkClientConfig(trustStore, keyStore), 10_000);
    }

    /** A client with the trusted client certificate creates {@code path} over TLS. */
    private static void createsWithTheClientCertificate(int port, String path) throws Exception {
        ZooKeeper zk = connect(port, TestPki.zkClientConfig(trustStore, clientKeyStore));
        try {
            assertThat(zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
                    .isEqualTo(path);
        } finally {
            zk.close();
        }
    }

    @Test
    void officialClientCreatesReadsAndIsNotifiedOverTls() throws Exception {
        BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
        ZooKeeper watcher = connect(securePort, TestPki.zkClientConfig(trustStore, clientKeyStore));
        ZooKeeper writer = connect(securePort, TestPki.zkClientConfig(trustStore, null));
        try {
            watcher.create("/tls", "one".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThat(watcher.getData("/tls", events::add, null)).asString().isEqualTo("one");

            writer.setData("/tls", "two".getBytes(), 0);

            WatchedEvent changed = events.poll(30, TimeUnit.SECONDS);
            assertThat(changed).isNotNull();
            assertThat(changed.getType()).isEqualTo(Watcher.Event.EventType.NodeDataChanged);
            assertThat(changed.getPath()).isEqualTo("/tls");
            assertThat(watcher.getData("/tls", false, null)).asString().isEqualTo("two");
        } finally {
            watcher.close();
            writer.close();
        }
        // Both ports serve the same tree.
        ZooKeeper plain = TestClients.connect("127.0.0.1:" + plainPort);
        try {
            assertThat(plain.getData("/tls", false, null)).asString().isEqualTo("two");
        } finally {
            plain.close();
        }
    }

    @Test
    void curatorWorksOverTls() throws Exception {
        try (CuratorFramework curator = CuratorFrameworkFactory.builder()
                .connectString("127.0.0.1:" + securePort)
                .zkClientConfig(TestPki.zkClientConfig(trustStore, clientKeyStore))
                .retryPolicy(new RetryOneTime(100))
                .build()) {
            curator.start();
            assertThat(curator.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
            curator.create().creatingParentsIfNeeded().forPath("/curator/tls/node", "c".getBytes());
            assertThat(curator.getData().forPath("/curator/tls/node"))
                    .asString()
                    .isEqualTo("c");
        }
    }

    @Test
    void aClientCertificateGivesTheSessionAnX509Identity() throws Exception {
        ZooKeeper withCert = connect(securePort, TestPki.zkClientConfig(trustStore, clientKeyStore));
        ZooKeeper withoutCert = connect(securePort, TestPki.zkClientConfig(trustStore, null));
        try {
            assertThat(withCert.whoAmI())
                    .extracting(ClientInfo::getAuthScheme, ClientInfo::getUser)
                    // ZooKeeper's X509AuthenticationProvider: the leaf's subject in RFC 2253 form
                    .contains(org.assertj.core.groups.Tuple.tuple(
                            "x509", client.cert().getSubjectX500Principal().getName()));
            assertThat(withoutCert.whoAmI())
                    .extracting(ClientInfo::getAuthScheme)
                    .containsExactly("ip");
        } finally {
            withCert.close();
            withoutCert.close();
        }
    }

    @Test
    void x509AclsAdmitTheCertificatesSubjectOnly() throws Exception {
        String subject = client.cert().getSubjectX500Principal().getName();
        ZooKeeper withCert = connect(securePort, TestPki.zkClientConfig(trustStore, clientKeyStore));
        ZooKeeper withoutCert = connect(securePort, TestPki.zkClientConfig(trustStore, null));
        try {
            withCert.create(
                    "/x509-acl",
                    "mine".getBytes(),
                    // a mutable list: the client's validateACL asks it contains(null)
                    new ArrayList<>(List.of(new org.apache.zookeeper.data.ACL(
                            ZooDefs.Perms.ALL, new org.apache.zookeeper.data.Id("x509", subject)))),
                    CreateMode.PERSISTENT);
            // "auth" expands to the caller's authenticated identities, the certificate's subject among them.
            withCert.create("/x509-auth", new byte[0], ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);

            assertThat(withCert.getData("/x509-acl", false, null)).asString().isEqualTo("mine");
            assertThat(withCert.getACL("/x509-auth", new org.apache.zookeeper.data.Stat()))
                    .extracting(a -> a.getId().getScheme() + ":" + a.getId().getId())
                    .containsExactly("x509:" + subject);
            assertThatThrownBy(() -> withoutCert.getData("/x509-acl", false, null))
                    .isInstanceOf(org.apache.zookeeper.KeeperException.NoAuthException.class);
        } finally {
            withCert.close();
            withoutCert.close();
        }
    }

    @Test
    void theCertificateNamedAsX509SuperUserBypassesEveryAcl(@TempDir Path data) throws Exception {
        String subject = client.cert().getSubjectX500Principal().getName();
        int plain = LoopbackPorts.next();
        int secure = LoopbackPorts.next();
        List<String> args = serverArgs(data, plain, secure);
        args.add("--coordinator.ssl.client-auth=want");
        args.add("--coordinator.ssl.super-user=" + subject); // zookeeper.X509AuthenticationProvider.superUser
        try (ConfigurableApplicationContext ctx =
                        new SpringApplicationBuilder(CoordinatorApplication.class).run(args.toArray(new String[0]));
                ZooKeeper owner = TestClients.connect(plain);
                ZooKeeper withCert = connect(secure, TestPki.zkClientConfig(trustStore, clientKeyStore));
                ZooKeeper withoutCert = connect(secure, TestPki.zkClientConfig(trustStore, null))) {
            owner.addAuthInfo("digest", "owner:pw".getBytes());
            owner.create("/private", "secret".getBytes(), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            assertThat(withCert.getData("/private", false, null)).asString().isEqualTo("secret");
            withCert.setData("/private", "changed".getBytes(), -1);
            assertThatThrownBy(() -> withoutCert.getData("/private", false, null))
                    .isInstanceOf(org.apache.zookeeper.KeeperException.NoAuthException.class);
        }
        // and the shared server of the other tests names no super user: the same certificate is only itself there
        try (ZooKeeper owner = TestClients.connect(plainPort);
                ZooKeeper withCert = connect(securePort, TestPki.zkClientConfig(trustStore, clientKeyStore))) {
            owner.addAuthInfo("digest", "owner:pw".getBytes());
            owner.create("/private-here", new byte[0], ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            assertThatThrownBy(() -> withCert.getData("/private-here", false, null))
                    .isInstanceOf(org.apache.zookeeper.KeeperException.NoAuthException.class);
        }
    }

    @Test
    void fourLetterWordsAreAnsweredInsideTls() throws Exception {
        ZKClientConfig tls = TestPki.zkClientConfig(trustStore, null);
        assertThat(FourLetterWordMain.send4LetterWord("127.0.0.1", securePort, "ruok", tls, 10_000))
                .isEqualTo("imok\n");
        assertThat(FourLetterWordMain.send4LetterWord("127.0.0.1", securePort, "srvr", tls, 10_000))
                .contains("Mode: standalone");
        // In plain text the secure port answers nothing: the bytes are not a TLS record.
        try (RawClient raw = RawClient.open(securePort)) {
            raw.sendRaw("ruok\n"); // as `echo ruok | nc` sends it
            assertThat(raw.readAllText()).isEmpty();
        }
    }

    @Test
    void aPlainClientOnTheSecurePortIsRefusedAndOthersKeepBeingServed() throws Exception {
        ZooKeeper before = connect(securePort, TestPki.zkClientConfig(trustStore, null));
        try {
            before.create("/steady", "s".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            try (RawClient raw = RawClient.open(securePort)) {
                assertThat(raw.connect(0, 10_000, 0, new byte[16], false))
                        .as("ConnectResponse to plain text")
                        .isNull();
            }
            assertThat(before.getData("/steady", false, null)).asString().isEqualTo("s");
            ZooKeeper after = connect(securePort, TestPki.zkClientConfig(trustStore, null));
            try {
                assertThat(after.getData("/steady", false, null)).asString().isEqualTo("s");
            } finally {
                after.close();
            }
        } finally {
            before.close();
        }
    }

    @Test
    void theClientRefusesAServerItsTrustStoreDoesNotVouchFor() {
        // FourLetterWordMain builds its TLS socket from the client config exactly as the client does.
        assertThatThrownBy(() -> FourLetterWordMain.send4LetterWord(
                        "127.0.0.1", securePort, "ruok", TestPki.zkClientConfig(strangerTrustStore, null), 10_000))
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    @Test
    void theAppAsMainRunsItServesTlsToo(@TempDir Path data) throws Exception {
        // main's early start cannot see the SSL bundles; with TLS configured the context starts the server.
        int plain = LoopbackPorts.next();
        int secure = LoopbackPorts.next();
        try (ConfigurableApplicationContext ctx = CoordinatorApplication.application()
                .run(serverArgs(data, plain, secure).toArray(new String[0]))) {
            assertThat(ruokOverTls(secure, null)).isEqualTo("imok\n");
            assertThat(RawClient.fourLetterWord(plain, "ruok")).isEqualTo("imok");
        }
    }

    @Test
    void aZooKeeperZooCfgWithSecureClientPortServesTheSameTls(@TempDir Path data) throws Exception {
        // A zoo.cfg from a TLS ZooKeeper: its ssl.* stores become the secure port's bundle, clientAuth need.
        int plain = LoopbackPorts.next();
        int secure = LoopbackPorts.next();
        Path cfg = data.resolve("zoo.cfg");
        java.nio.file.Files.writeString(
                cfg,
                String.join(
                        "\n",
                        "tickTime=2000",
                        "dataDir=" + data.resolve("zk"),
                        "clientPort=" + plain,
                        "clientPortAddress=127.0.0.1",
                        "secureClientPort=" + secure,
                        "ssl.keyStore.location=" + serverKeyStore,
                        "ssl.keyStore.password=" + new String(TestPki.PASSWORD),
                        "ssl.trustStore.location=" + trustStore,
                        "ssl.trustStore.password=" + new String(TestPki.PASSWORD),
                        ""));
        try (ConfigurableApplicationContext ctx = CoordinatorApplication.application()
                .run("--server.port=0", "--server.address=127.0.0.1", "--coordinator.zoo-cfg=" + cfg)) {
            assertThat(ruokOverTls(secure, clientKeyStore)).isEqualTo("imok\n");
            // ZooKeeper's default ssl.clientAuth is need: no client certificate, no session.
            assertThatThrownBy(() -> ruokOverTls(secure, null)).isInstanceOf(IOException.class);
            createsWithTheClientCertificate(secure, "/from-zoo-cfg");
            assertThat(RawClient.fourLetterWord(plain, "ruok")).isEqualTo("imok");
        }
    }

    @Test
    void aTlsOnlyServerWithClientAuthNeedRefusesClientsWithoutATrustedCertificate(@TempDir Path data) throws Exception {
        int secure = LoopbackPorts.next();
        // TLS only: client-port -1 opens no plain port.
        try (ConfigurableApplicationContext need = start(data, -1, secure, "need")) {
            assertThat(need.getBean(CoordinatorServer.class).clientPortServer().port())
                    .isEqualTo(-1);
            assertThat(ruokOverTls(secure, clientKeyStore)).isEqualTo("imok\n");
            assertThatThrownBy(() -> ruokOverTls(secure, null)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> ruokOverTls(secure, strangerKeyStore)).isInstanceOf(IOException.class);

            createsWithTheClientCertificate(secure, "/need");
        }
    }
}
