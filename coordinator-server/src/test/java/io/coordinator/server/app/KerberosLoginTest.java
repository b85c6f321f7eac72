package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.testsupport.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.security.auth.login.Configuration;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * SASL Kerberos (GSSAPI) with the official ZooKeeper client, as a Kerberized ZooKeeper deployment runs it: an
 * embedded KDC (Apache Kerby, what ZooKeeper's own MiniKdc tests run on) with a service principal
 * {@code zookeeper/localhost} and two client principals in one keytab; the server's JAAS {@code Server} section
 * logs in with the JDK's Krb5LoginModule, each client's section too. The same scenario runs on Apache ZooKeeper
 * 3.9.5 and must read the same.
 */
class KerberosLoginTest {
    private static final String REALM = "EXAMPLE.COM";
    private static final String SERVICE = "zookeeper/localhost@" + REALM;

    @TempDir
    static Path kdcDir;

    private static SimpleKdcServer kdc;
    private static Path jaas;

    @RegisterExtension
    final TestApp app = new TestApp();

    private Configuration previous;

    @BeforeAll
    static void startKdc() throws Exception {
        int port = LoopbackPorts.next();
        kdc = new SimpleKdcServer();
        kdc.setWorkDir(kdcDir.toFile());
        kdc.setKdcHost("127.0.0.1");
        kdc.setKdcRealm(REALM);
        kdc.setAllowUdp(false);
        kdc.setKdcTcpPort(port);
        kdc.init();
        kdc.start();
        Path keytab = kdcDir.resolve("test.keytab");
        kdc.createAndExportPrincipals(keytab.toFile(), "zookeeper/localhost", "alice", "batch/host1");
        // The JDK reads its Kerberos configuration once per JVM, at its first Kerberos use: this test's is the first.
        Path krb5 = Files.writeString(kdcDir.resolve("krb5.conf"), """
                [libdefaults]
                 default_realm = %s
                 udp_preference_limit = 1
                 dns_lookup_kdc = false
                 dns_lookup_realm = false
                [realms]
                 %s = {
                  kdc = 127.0.0.1:%d
                 }
                """.formatted(REALM, REALM, port));
        System.setProperty("java.security.krb5.conf", krb5.toString());
        jaas = Files.writeString(kdcDir.resolve("jaas.conf"), """
                Server {
                    com.sun.security.auth.module.Krb5LoginModule required
                    useKeyTab=true keyTab="%1$s" storeKey=true useTicketCache=false
                    principal="%2$s";
                };
                AliceClient {
                    com.sun.security.auth.module.Krb5LoginModule required
                    useKeyTab=true keyTab="%1$s" storeKey=true useTicketCache=false
                    principal="alice@%3$s";
                };
                BatchClient {
                    com.sun.security.auth.module.Krb5LoginModule required
                    useKeyTab=true keyTab="%1$s" storeKey=true useTicketCache=false
                    principal="batch/host1@%3$s";
                };
                """.formatted(keytab, SERVICE, REALM));
    }

    @AfterAll
    static void stopKdc() throws Exception {
        if (kdc != null) {
            kdc.stop();
        }
    }

    @BeforeEach
    void jvmWideJaas() throws Exception {
        // The client reads the JVM-wide JAAS configuration: set it for these tests and put the old one back.
        previous = SaslZooKeeper.useJaas(jaas);
    }

    @AfterEach
    void restoreJaas() {
        SaslZooKeeper.restoreJaas(previous);
    }

    /** What the clients of {@link #scenario} see, the same on Coordinator and on Apache ZooKeeper 3.9.5. */
    private static final List<String> EXPECTED = List.of(
            "alice: SaslAuthenticated",
            "/creator ACL: [31,s{'sasl,'alice@EXAMPLE.COM}\n]",
            "alice reads /by-name: n",
            "alice reads /creator: c",
            "batch/host1 reads /by-name: NOAUTH",
            "batch/host1 creates with CREATOR_ALL_ACL: [31,s{'sasl,'batch/host1@EXAMPLE.COM}\n]",
            "anonymous reads /by-name: NOAUTH",
            "anonymous reads /creator: NOAUTH");

    @Test
    void aKerberosLoginGivesThePrincipalsSaslIdentity() throws Exception {
        try (ConfigurableApplicationContext ctx =
                app.start("--coordinator.sasl.enabled=true", "--coordinator.sasl.jaas-config=" + jaas)) {
            assertThat(scenario(app.port())).containsExactlyElementsOf(EXPECTED);
        }
    }

    @Test
    void apacheZooKeeperAnswersTheSameForTheSameKerberosSetup() throws Exception {
        assertThat(SaslZooKeeper.run(app.dataDir(), KerberosLoginTest::scenario))
                .containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void hostAndRealmCanBeLeftOutOfTheIdentityAsZooKeepersKerberosRulesDo() throws Exception {
        try (ConfigurableApplicationContext ctx = app.start(
                        "--coordinator.sasl.enabled=true",
                        "--coordinator.sasl.jaas-config=" + jaas,
                        "--coordinator.sasl.remove-host-from-principal=true",
                        "--coordinator.sasl.remove-realm-from-principal=true");
                ZooKeeper batch = login(app.port(), "BatchClient")) {
            batch.create("/mine", new byte[0], ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            assertThat(batch.getACL("/mine", null))
                    .containsExactly(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "batch")));
        }
    }

    @Test
    void zooCfgsKerberosNameRulesAreRead() throws Exception {
        Path cfg = Files.writeString(
                app.dataDir().resolve("zoo.cfg"),
                "dataDir=/tmp/zk\nkerberos.removeHostFromPrincipal=true\nkerberos.removeRealmFromPrincipal=true\n");
        assertThat(ZooCfgImport.parse(cfg))
                .hasEntrySatisfying(
                        "coordinator.sasl.remove-host-from-principal",
                        v -> assertThat(v).hasToString("true"))
                .hasEntrySatisfying(
                        "coordinator.sasl.remove-realm-from-principal",
                        v -> assertThat(v).hasToString("true"));
    }

    @Test
    void aServerSectionWhoseKerberosLoginFailsStopsTheStartNamingIt() throws Exception {
        Path bad = Files.writeString(
                app.dataDir().resolveSibling(app.dataDir().getFileName() + "-bad-jaas.conf"),
                """
                Server {
                    com.sun.security.auth.module.Krb5LoginModule required
                    useKeyTab=true keyTab="%s" storeKey=true useTicketCache=false
                    principal="zookeeper/nosuchhost@%s";
                };
                """.formatted(kdcDir.resolve("test.keytab"), REALM));
        try {
            assertThatThrownBy(
                            () -> app.start("--coordinator.sasl.enabled=true", "--coordinator.sasl.jaas-config=" + bad))
                    .hasStackTraceContaining("the Kerberos login of section 'Server' of the JAAS file " + bad)
                    .hasStackTraceContaining("failed");
        } finally {
            Files.deleteIfExists(bad);
        }
    }

    /**
     * alice logs in and creates a node for sasl:alice@EXAMPLE.COM and one with CREATOR_ALL_ACL; batch/host1, another
     * principal, may not read hers, and gets its full principal as its own creator id; an anonymous client reads
     * neither node.
     */
    private static List<String> scenario(int port) throws Exception {
        List<String> seen = new ArrayList<>();
        try (ZooKeeper alice = login(port, "AliceClient")) {
            seen.add("alice: SaslAuthenticated");
            List<ACL> aliceOnly =
                    new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "alice@" + REALM))));
            alice.create("/by-name", "n".getBytes(), aliceOnly, CreateMode.PERSISTENT);
            alice.create("/creator", "c".getBytes(), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            seen.add("/creator ACL: " + alice.getACL("/creator", null));
            seen.add("alice reads /by-name: " + new String(alice.getData("/by-name", false, null)));
            seen.add("alice reads /creator: " + new String(alice.getData("/creator", false, null)));
            try (ZooKeeper batch = login(port, "BatchClient")) {
                seen.add("batch/host1 reads /by-name: " + read(batch, "/by-name"));
                batch.create("/batch", new byte[0], ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
                seen.add("batch/host1 creates with CREATOR_ALL_ACL: " + batch.getACL("/batch", null));
            }
            try (ZooKeeper anonymous = TestClients.connect(port)) {
                for (String path : List.of("/by-name", "/creator")) {
                    seen.add("anonymous reads " + path + ": " + read(anonymous, path));
                }
            }
        }
        return seen;
    }

    private static String read(ZooKeeper zk, String path) throws InterruptedException {
        try {
            return new String(zk.getData(path, false, null));
        } catch (KeeperException e) {
            return e.code().toString();
        }
    }

    /** A client of the JAAS section {@code section}, once its Kerberos login is through (SaslAuthenticated). */
    private static ZooKeeper login(int port, String section) throws Exception {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
        config.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, section);
        config.setProperty(ZKClientConfig.ZOOKEEPER_SERVER_PRINCIPAL, SERVICE);
        CompletableFuture<Watcher.Event.KeeperState> outcome = new CompletableFuture<>();
        ZooKeeper zk = new ZooKeeper(
                "127.0.0.1:" + port,
                10_000,
                e -> {
                    if (e.getState() == Watcher.Event.KeeperState.SaslAuthenticated
                            || e.getState() == Watcher.Event.KeeperState.AuthFailed) {
                        outcome.complete(e.getState());
                    }
                },
                config);
        try {
            assertThat(outcome.get(30, TimeUnit.SECONDS))
                    .as(section)
                    .isEqualTo(Watcher.Event.KeeperState.SaslAuthenticated);
        } catch (Exception | AssertionError e) {
            zk.close();
            throw e;
        }
        return zk;
    }
}
