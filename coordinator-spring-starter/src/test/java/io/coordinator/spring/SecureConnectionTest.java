package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.coordinator.spring.registration.CoordinatorRegistration;
import io.coordinator.spring.test.Closing;
import io.coordinator.spring.test.ConfigClientApp;
import io.coordinator.spring.test.CoordinatorServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A server that only speaks TLS, with digest-protected configuration: the starter loads configuration (startup
 * client) and registers (application client) over TLS with digest credentials, and its registration belongs to
 * its identity.
 */
@Timeout(180)
class SecureConnectionTest {
    static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;

    static Path trustStore;
    static CoordinatorServerProcess server;
    static CuratorFramework admin;

    /** A new PKCS#12 store (password {@link #PASSWORD}) with a self-signed EC key pair for 127.0.0.1 and localhost. */
    static void generateKeyPair(Path keyStore, String alias, String commonName) throws Exception {
        keytool(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + commonName,
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-keystore",
                keyStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD);
    }

    static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        }
    }

    static ZKClientConfig tls() {
        ZKClientConfig c = new ZKClientConfig();
        c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        c.setProperty("zookeeper.ssl.trustStore.location", trustStore.toString());
        c.setProperty("zookeeper.ssl.trustStore.password", PASSWORD);
        c.setProperty("zookeeper.ssl.trustStore.type", "PKCS12");
        return c;
    }

    static CuratorFramework client(ZKClientConfig config, String digest) throws Exception {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                .connectString(server.connectString())
                .retryPolicy(new RetryOneTime(100))
                .connectionTimeoutMs(5000);
        if (config != null) {
            b.zkClientConfig(config);
        }
        if (digest != null) {
            b.authorization(List.of(new AuthInfo("digest", digest.getBytes(StandardCharsets.UTF_8))));
        }
        CuratorFramework c = b.build();
        c.start();
        return c;
    }

    @BeforeAll
    static void start() throws Exception {
        Path keyStore = dir.resolve("server.p12");
        trustStore = dir.resolve("trust.p12");
        generateKeyPair(keyStore, "server", "localhost");
        keytool(
                "-exportcert",
                "-alias",
                "server",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                dir.resolve("server.crt").toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "server",
                "-file",
                dir.resolve("server.crt").toString(),
                "-keystore",
                trustStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD);
        server = CoordinatorServerProcess.startTlsOnly(keyStore, PASSWORD);
        admin = client(tls(), "admin:admin-pw");
        assertThat(admin.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
        // configuration readable by the app's identity only
        List<ACL> appReads = new ArrayList<>(List.of(
                new ACL(
                        ZooDefs.Perms.ALL,
                        new Id("digest", DigestAuthenticationProvider.generateDigest("admin:admin-pw"))),
                new ACL(
                        ZooDefs.Perms.READ,
                        new Id("digest", DigestAuthenticationProvider.generateDigest("app:app-pw")))));
        admin.create().creatingParentsIfNeeded().withACL(appReads).forPath("/config/secure-app", new byte[0]);
        admin.create().withACL(appReads).forPath("/config/secure-app/greeting", "hello over TLS".getBytes());
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.closeAll(admin, server);
    }

    /**
     * What a test app on the TLS server needs besides the trust material of its SSL bundle "coordinator": that
     * bundle for its client, a fixed registration and no local copy of its configuration.
     */
    static List<String> tlsAppArgs(String connectionTimeout) {
        return new ArrayList<>(List.of(
                "--coordinator.client.connection-timeout=" + connectionTimeout,
                "--coordinator.client.config.local-copy-enabled=false",
                "--coordinator.client.registration.host=127.0.0.1",
                "--coordinator.client.registration.port=9999",
                "--coordinator.client.ssl.bundle=coordinator"));
    }

    private static ConfigurableApplicationContext run(String... extra) {
        List<String> args = tlsAppArgs("5s");
        args.addAll(List.of(
                "--spring.ssl.bundle.jks.coordinator.truststore.location=file:" + trustStore,
                "--spring.ssl.bundle.jks.coordinator.truststore.password=" + PASSWORD,
                "--spring.ssl.bundle.jks.coordinator.truststore.type=PKCS12"));
        args.addAll(List.of(extra));
        return ConfigClientApp.run(GreeterApp.class, "secure-app", server.connectString(), args.toArray(new String[0]));
    }

    @Test
    void loadsConfigAndRegistersOverTlsWithDigestAndOwnsItsRegistration() throws Exception {
        try (ConfigurableApplicationContext ctx =
                run("--coordinator.client.auth.username=app", "--coordinator.client.auth.password=app-pw")) {
            assertThat(ctx.getBean(GreeterApp.Greeter.class).greeting).isEqualTo("hello over TLS");
            String node = ctx.getBean(CoordinatorRegistration.class).path();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> admin.checkExists().forPath(node) != null);
            List<ACL> acl;
            try (CuratorFramework owner = client(tls(), "app:app-pw")) {
                acl = owner.getACL().forPath(node); // the owner may see the digests (others get them masked)
            }
            assertThat(acl)
                    .extracting(a -> a.getId().getScheme() + ":" + a.getId().getId(), ACL::getPerms)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(
                                    "digest:" + DigestAuthenticationProvider.generateDigest("app:app-pw"),
                                    ZooDefs.Perms.ALL),
                            org.assertj.core.groups.Tuple.tuple("world:anyone", ZooDefs.Perms.READ));

            // another identity can read it (discovery) but neither change nor delete it
            try (CuratorFramework mallory = client(tls(), "mallory:guess")) {
                assertThat(mallory.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
                assertThat(mallory.getData().forPath(node)).isNotEmpty();
                assertThatThrownBy(() -> mallory.delete().forPath(node))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> mallory.setData().forPath(node, "x".getBytes()))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> mallory.create()
                                .forPath(
                                        ctx.getBean(CoordinatorRegistration.class)
                                                .path()
                                                .replaceAll("/[^/]+$", "/impostor"),
                                        "x".getBytes()))
                        .isInstanceOf(KeeperException.NoAuthException.class);
            }
            assertThat(admin.checkExists().forPath(node)).isNotNull();
        }
    }

    @Test
    void withoutCredentialsTheProtectedConfigurationIsRefused() {
        assertThatThrownBy(() -> run())
                .hasStackTraceContaining("Not allowed to read /config/secure-app")
                .hasStackTraceContaining("set coordinator.client.auth.username and password");
    }

    @Test
    void plainTextIsRefusedByTheServer() throws Exception {
        try (CuratorFramework plain = client(null, null)) {
            assertThat(plain.blockUntilConnected(3, TimeUnit.SECONDS)).isFalse();
        }
    }

    @Test
    void misconfigurationIsNamedAtOnce() {
        assertThatThrownBy(() -> security(java.util.Map.of("coordinator.client.auth.username", "app")))
                .hasMessage(
                        "coordinator.client.auth.username and coordinator.client.auth.password go together: set both or neither");
        assertThatThrownBy(() -> security(java.util.Map.of("coordinator.client.ssl.bundle", "nope")))
                .hasMessage("coordinator.client.ssl.bundle=nope: no SSL bundle spring.ssl.bundle.jks.nope.* or"
                        + " spring.ssl.bundle.pem.nope.* is configured");
        assertThatThrownBy(() -> security(java.util.Map.of(
                        "coordinator.client.ssl.bundle",
                        "b",
                        "spring.ssl.bundle.jks.b.truststore.location",
                        "classpath:trust.p12")))
                .hasMessageContaining(
                        "spring.ssl.bundle.jks.b.truststore.location=classpath:trust.p12: ZooKeeper's client"
                                + " reads key material from files");
    }

    private static io.coordinator.spring.autoconfigure.CoordinatorClientSecurity security(
            java.util.Map<String, String> p) {
        return io.coordinator.spring.autoconfigure.CoordinatorClientSecurity.from(
                new org.springframework.boot.context.properties.bind.Binder(
                        new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(p)));
    }
}
