package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.it.RawClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.security.auth.login.Configuration;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * SASL DIGEST-MD5 with the official ZooKeeper client, as Kafka's broker and Curator log in: a JAAS file with the
 * server's users and the clients' sections, {@code zookeeper.sasl.client=true}, the section chosen per client by
 * {@code zookeeper.sasl.clientconfig}.
 */
class SaslLoginTest {
    @RegisterExtension
    final TestApp app = new TestApp();

    private Path jaas;
    private Configuration previous;

    @BeforeEach
    void jaasFile() throws Exception {
        jaas = app.dataDir().resolveSibling(app.dataDir().getFileName() + "-jaas.conf");
        Files.writeString(jaas, """
                Server {
                    org.apache.zookeeper.server.auth.DigestLoginModule required
                    user_bob="bob-secret"
                    user_alice="alice-secret";
                };
                BobClient {
                    org.apache.zookeeper.server.auth.DigestLoginModule required
                    username="bob"
                    password="bob-secret";
                };
                WrongPassword {
                    org.apache.zookeeper.server.auth.DigestLoginModule required
                    username="bob"
                    password="not-bobs";
                };
                """, StandardCharsets.UTF_8);
        // The client reads the JVM-wide JAAS configuration, which the JDK caches once loaded: set it for these
        // tests (non-default section names, so no other client here tries SASL) and put the old one back.
        previous = SaslZooKeeper.useJaas(jaas);
    }

    @AfterEach
    void restoreJaas() throws Exception {
        SaslZooKeeper.restoreJaas(previous);
        Files.deleteIfExists(jaas);
    }

    private ConfigurableApplicationContext startWithSasl() throws Exception {
        return app.start("--coordinator.sasl.enabled=true", "--coordinator.sasl.jaas-config=" + jaas);
    }

    /** What the clients of {@link #scenario} see, the same on Coordinator and on Apache ZooKeeper 3.9.5. */
    private static final List<String> EXPECTED = List.of(
            "bob: SaslAuthenticated",
            "/creator ACL: [31,s{'sasl,'bob}\n]",
            "bob reads /by-name: n",
            "bob reads /creator: c",
            "wrong password: AuthFailed, state AUTH_FAILED",
            "bob still reads /by-name: n",
            "anonymous reads /by-name: NOAUTH",
            "anonymous reads /creator: NOAUTH");

    @Test
    void digestMd5LoginGivesSaslAclsAndAWrongPasswordIsAuthFailedWhileOthersAreServed() throws Exception {
        try (ConfigurableApplicationContext ctx = startWithSasl()) {
            long failedBefore = Long.parseLong(mntr("auth_failed_count"));
            assertThat(scenario(app.port())).containsExactlyElementsOf(EXPECTED);
            assertThat(failedBefore).isZero();
            assertThat(Long.parseLong(mntr("auth_failed_count"))).isEqualTo(1); // the wrong password
        }
    }

    @Test
    void apacheZooKeeperAnswersTheSameForTheSameJaasSetup() throws Exception {
        // ZooKeeper reads its SASL settings from system properties; 3.9 refuses DIGEST-MD5 in FIPS mode (default)
        System.setProperty("zookeeper.fips-mode", "false");
        try {
            assertThat(SaslZooKeeper.run(app.dataDir(), this::scenario)).containsExactlyElementsOf(EXPECTED);
        } finally {
            System.clearProperty("zookeeper.fips-mode");
        }
    }

    /**
     * bob logs in and creates a node for sasl:bob and one with CREATOR_ALL_ACL; a client with a wrong password
     * fails; bob is still served; an anonymous client may read neither node.
     */
    private List<String> scenario(int port) throws Exception {
        List<String> seen = new ArrayList<>();
        Events bobEvents = new Events();
        ZooKeeper bob = saslClient(port, "BobClient", bobEvents);
        try {
            bobEvents.await(Watcher.Event.KeeperState.SaslAuthenticated);
            seen.add("bob: SaslAuthenticated");
            bob.create("/by-name", "n".getBytes(), saslBob(), CreateMode.PERSISTENT);
            bob.create("/creator", "c".getBytes(), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            seen.add("/creator ACL: " + bob.getACL("/creator", null));
            seen.add("bob reads /by-name: " + new String(bob.getData("/by-name", false, null)));
            seen.add("bob reads /creator: " + new String(bob.getData("/creator", false, null)));

            Events wrongEvents = new Events();
            ZooKeeper wrong = saslClient(port, "WrongPassword", wrongEvents);
            try {
                wrongEvents.await(Watcher.Event.KeeperState.AuthFailed);
                // the state is set before the event is queued
                seen.add("wrong password: AuthFailed, state " + wrong.getState());
                assertThat(wrongEvents.states).doesNotContain(Watcher.Event.KeeperState.SaslAuthenticated);
            } finally {
                wrong.close();
            }

            seen.add("bob still reads /by-name: " + new String(bob.getData("/by-name", false, null)));
            ZooKeeper anonymous = TestClients.connect(port);
            try {
                for (String path : List.of("/by-name", "/creator")) {
                    try {
                        anonymous.getData(path, false, null);
                        seen.add("anonymous reads " + path + ": allowed");
                    } catch (KeeperException e) {
                        seen.add("anonymous reads " + path + ": " + e.code());
                    }
                }
            } finally {
                anonymous.close();
            }
        } finally {
            bob.close();
        }
        return seen;
    }

    @Test
    void withoutSaslEnabledALoginIsRefusedAndSaslAclsAreInvalid() throws Exception {
        try (ConfigurableApplicationContext ctx = app.start()) {
            Events events = new Events();
            ZooKeeper bob = saslClient("BobClient", events);
            try {
                events.await(Watcher.Event.KeeperState.AuthFailed);
            } finally {
                bob.close();
            }
            ZooKeeper anonymous = app.client();
            try {
                assertThatThrownBy(() -> anonymous.create("/x", new byte[0], saslBob(), CreateMode.PERSISTENT))
                        .isInstanceOf(KeeperException.InvalidACLException.class);
            } finally {
                anonymous.close();
            }
        }
    }

    @Test
    void aJaasFileWithoutTheServerSectionStopsTheStartNamingFileAndSection() {
        assertThatThrownBy(() -> app.start(
                        "--coordinator.sasl.enabled=true",
                        "--coordinator.sasl.jaas-config=" + jaas,
                        "--coordinator.sasl.server-section=ZooServer"))
                .hasStackTraceContaining("has no section 'ZooServer'")
                .hasStackTraceContaining(jaas.toString());
    }

    @Test
    void zooCfgAuthProviderTurnsSaslOnAndUnknownProvidersOrRequireClientAuthSchemeAreRefused() throws Exception {
        Path cfg = app.dataDir().resolve("zoo.cfg");
        Files.writeString(
                cfg, "dataDir=/tmp/zk\nauthProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider\n");
        assertThat(ZooCfgImport.parse(cfg).get("coordinator.sasl.enabled")).hasToString("true");

        Files.writeString(cfg, "dataDir=/tmp/zk\nauthProvider.2=com.example.MyProvider\n");
        assertThatThrownBy(() -> ZooCfgImport.parse(cfg))
                .hasMessageContaining(cfg + ":2")
                .hasMessageContaining("authProvider.2=com.example.MyProvider");

        Files.writeString(cfg, "dataDir=/tmp/zk\nrequireClientAuthScheme=sasl\n");
        assertThatThrownBy(() -> ZooCfgImport.parse(cfg))
                .hasMessageContaining(cfg + ":2")
                .hasMessageContaining("requireClientAuthScheme");
    }

    /** All rights for sasl:bob (a mutable list: the client's validateACL asks it whether it holds null). */
    private static List<ACL> saslBob() {
        return new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "bob"))));
    }

    private ZooKeeper saslClient(String section, Events events) throws Exception {
        return saslClient(app.port(), section, events);
    }

    private static ZooKeeper saslClient(int port, String section, Events events) throws Exception {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
        config.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, section);
        config.setProperty("zookeeper.fips-mode", "false"); // 3.9 clients refuse DIGEST-MD5 in FIPS mode, the default
        return new ZooKeeper("127.0.0.1:" + port, 10_000, events, config);
    }

    private String mntr(String key) throws Exception {
        for (String line : RawClient.fourLetterWord(app.port(), "mntr").split("\n")) {
            String[] kv = line.split("\t");
            if (kv[0].equals("zk_" + key)) {
                return kv[1];
            }
        }
        throw new AssertionError("mntr has no zk_" + key);
    }

    /** The connection states a client went through. */
    private static final class Events implements Watcher {
        final List<Event.KeeperState> states = new CopyOnWriteArrayList<>();
        private final Map<Event.KeeperState, CountDownLatch> latches = Map.of(
                Event.KeeperState.SaslAuthenticated, new CountDownLatch(1),
                Event.KeeperState.AuthFailed, new CountDownLatch(1));

        @Override
        public void process(org.apache.zookeeper.WatchedEvent event) {
            states.add(event.getState());
            CountDownLatch l = latches.get(event.getState());
            if (l != null) {
                l.countDown();
            }
        }

        void await(Event.KeeperState state) throws InterruptedException {
            assertThat(latches.get(state).await(30, TimeUnit.SECONDS))
                    .as("%s within 30 s; states seen: %s", state, states)
                    .isTrue();
        }
    }
}
