package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.session.SessionPasswords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.ConnectResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Sessions move between members whose zoo.cfg files list the servers in different orders (as Kazoo's harness
 * writes them), with no session secret configured: the first leader replicates a random secret. A password
 * derived from the configuration, the old default, is refused; the secret survives a member's restart.
 */
@Timeout(240)
class SessionSecretEnsembleTest {
    private static final int[][] ORDERS = {{1, 2, 3}, {2, 3, 1}, {3, 1, 2}};

    @TempDir
    Path dir;

    private final int[] client = new int[3];
    private final int[] quorum = new int[3];
    private final int[] election = new int[3];

    @Test
    void sessionsMoveWhateverTheOrderOfServerLinesAndForgedPasswordsAreRefused() throws Exception {
        for (int i = 0; i < 3; i++) {
            client[i] = Servers.freePort();
            quorum[i] = Servers.freePort();
            election[i] = Servers.freePort();
        }
        List<ConfigurableApplicationContext> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                members.add(start(i));
            }
            Servers.awaitEnsembleServing(client, Duration.ofSeconds(90));

            ZooKeeper first = connect("127.0.0.1:" + client[0], 0, null);
            first.create("/moving", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            long sid = first.getSessionId();
            byte[] pw = first.getSessionPasswd();

            // The wire answer of every member to the session's id and password: accepted, same session.
            for (int i = 1; i < 3; i++) {
                awaitCaughtUp(client[i]);
                try (RawClient raw = RawClient.open(client[i])) {
                    ConnectResponse r = raw.connect(0, 30_000, sid, pw, true);
                    assertThat(r).as("member %d answers", i + 1).isNotNull();
                    assertThat(r.getTimeOut())
                            .as("member %d accepts the session", i + 1)
                            .isPositive();
                    assertThat(r.getSessionId()).isEqualTo(sid);
                }
            }

            // A real client moves its session to the third member and still owns its ephemeral there.
            ZooKeeper moved = connect("127.0.0.1:" + client[2], sid, pw);
            assertThat(moved.getSessionId()).isEqualTo(sid);
            Stat stat = moved.exists("/moving", false);
            assertThat(stat).isNotNull();
            assertThat(stat.getEphemeralOwner()).isEqualTo(sid);

            // Passwords forged from what the configuration says (the former default) or guessed are refused.
            for (int i = 0; i < 3; i++) {
                assertRefused(client[i], sid, forgedFromConfiguration(i, sid));
                assertRefused(client[i], sid, new byte[SessionPasswords.LENGTH]);
            }

            // The secret is replicated state: a restarted member still accepts the session.
            members.get(1).close();
            members.set(1, start(1));
            Servers.awaitEnsembleServing(client, Duration.ofSeconds(90));
            awaitCaughtUp(client[1]);
            try (RawClient raw = RawClient.open(client[1])) {
                ConnectResponse r = raw.connect(0, 30_000, sid, pw, true);
                assertThat(r).isNotNull();
                assertThat(r.getTimeOut())
                        .as("the restarted member accepts the session")
                        .isPositive();
            }
            // /zookeeper/config reads the same on every member, whatever the order of their server lines.
            byte[] config0 = moved.getConfig(false, null);
            for (int i = 0; i < 3; i++) {
                ZooKeeper zk = connect("127.0.0.1:" + client[i], 0, null);
                try {
                    assertThat(new String(zk.getConfig(false, null), StandardCharsets.UTF_8))
                            .isEqualTo(new String(config0, StandardCharsets.UTF_8));
                } finally {
                    zk.close();
                }
            }
            moved.close();
            first.close();
        } finally {
            Servers.closeAll(members);
        }
    }

    private ConfigurableApplicationContext start(int i) throws Exception {
        Path data = dir.resolve("node" + (i + 1));
        Files.createDirectories(data);
        Files.writeString(data.resolve("myid"), String.valueOf(i + 1));
        StringBuilder cfg = new StringBuilder()
                .append("tickTime=500\n")
                .append("initLimit=10\nsyncLimit=5\n")
                .append("dataDir=")
                .append(data)
                .append('\n')
                .append("clientPort=")
                .append(client[i])
                .append('\n')
                .append("clientPortAddress=127.0.0.1\n")
                .append("4lw.commands.whitelist=*\n");
        for (int id : ORDERS[i]) {
            cfg.append(serverLine(id)).append('\n');
        }
        Path file = dir.resolve("zoo" + (i + 1) + ".cfg");
        Files.writeString(file, cfg);
        return new SpringApplicationBuilder(Class.forName(Servers.COORDINATOR_APP))
                .run("--coordinator.zoo-cfg=" + file, "--server.port=0", "--server.address=127.0.0.1");
    }

    private String serverLine(int id) {
        int k = id - 1;
        return "server." + id + "=127.0.0.1:" + quorum[k] + ":" + election[k] + ";127.0.0.1:" + client[k];
    }

    /** What the former default derived from member i's configuration: SHA-256 of its ensemble text. */
    private byte[] forgedFromConfiguration(int i, long sid) throws Exception {
        List<String> entries = new ArrayList<>();
        for (int id : ORDERS[i]) {
            entries.add(serverLine(id).substring("server.".length()));
        }
        byte[] secret = MessageDigest.getInstance("SHA-256")
                .digest(("coordinator-ensemble:" + String.join(",", entries)).getBytes(StandardCharsets.UTF_8));
        return new SessionPasswords(secret).passwordFor(sid);
    }

    private static void assertRefused(int port, long sid, byte[] password) throws Exception {
        try (RawClient raw = RawClient.open(port)) {
            ConnectResponse r = raw.connect(0, 30_000, sid, password, true);
            assertThat(r).as("an expired-session answer").isNotNull();
            assertThat(r.getTimeOut()).as("refused").isZero();
            assertThat(r.getSessionId()).isZero();
        }
    }

    /** Waits until the member at {@code port} has applied everything committed so far (sync, then a read). */
    private static void awaitCaughtUp(int port) throws Exception {
        ZooKeeper zk = connect("127.0.0.1:" + port, 0, null);
        try {
            CompletableFuture<Integer> synced = new CompletableFuture<>();
            zk.sync("/", (rc, path, ctx) -> synced.complete(rc), null);
            assertThat(synced.get(30, TimeUnit.SECONDS)).isZero();
            assertThat(zk.exists("/moving", false)).isNotNull();
        } finally {
            zk.close();
        }
    }

    private static ZooKeeper connect(String cs, long sid, byte[] pw) throws Exception {
        CompletableFuture<Watcher.Event.KeeperState> state = new CompletableFuture<>();
        Watcher w = e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected
                    || e.getState() == Watcher.Event.KeeperState.Expired) {
                state.complete(e.getState());
            }
        };
        ZooKeeper zk = pw == null ? new ZooKeeper(cs, 30_000, w) : new ZooKeeper(cs, 30_000, w, sid, pw);
        assertThat(state.get(60, TimeUnit.SECONDS)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
        return zk;
    }
}
