package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.app.TestClients;
import io.coordinator.server.ops.ServerHandle;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.FourLetterWordMain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * ZooKeeper's AdminServer commands on our HTTP port: the same JSON fields (and field types) as Apache ZooKeeper
 * 3.9.5's for every command of the subset, values that agree with the four-letter words and move with the
 * traffic, open to anonymous callers as the four-letter words are and gated by the same whitelist.
 */
class AdminCommandsTest {
    @TempDir
    static Path dir;

    static ConfigurableApplicationContext app;
    static ZooKeeperAdminReference zookeeper;
    static ZooKeeper zkClient;
    static ZooKeeper ourClient;
    static Http anonymous;
    static int clientPort;

    @BeforeAll
    static void start() throws Exception {
        app = StandaloneApp.start(
                dir.resolve("coordinator"),
                "--coordinator.four-letter-words=*",
                "--coordinator.web.users.admin.password={noop}admin-pw",
                "--coordinator.web.users.admin.role=ADMIN");
        anonymous = StandaloneApp.http(app, null, null);
        clientPort = app.getBean(ServerHandle.class).clientPortNumber();
        ourClient = TestClients.connect(clientPort);
        zookeeper = new ZooKeeperAdminReference(dir.resolve("zookeeper"));
        zkClient = TestClients.connect(zookeeper.port()); // so both stats list a connection
    }

    @AfterAll
    static void stop() throws Exception {
        ourClient.close();
        zkClient.close();
        zookeeper.close();
        app.close();
    }

    private static JsonNode ours(String name) {
        Http.Response r = anonymous.get("/commands/" + name);
        assertThat(r.status()).as(name + ": " + r.body()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        return r.json();
    }

    private static JsonNode theirs(String name) throws Exception {
        return Http.JSON.readTree(zookeeper.run(name));
    }

    /** Every field path with its JSON type; arrays by their first element. */
    private static Map<String, String> shape(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        shape("", node, out);
        return out;
    }

    private static void shape(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (var e : node.properties()) {
                shape(prefix + e.getKey() + ".", e.getValue(), out);
            }
            out.put(prefix.isEmpty() ? "." : prefix, "object");
        } else if (node.isArray()) {
            out.put(prefix, "array");
            if (!node.isEmpty()) {
                shape(prefix + "[].", node.get(0), out);
            }
        } else {
            out.put(prefix, node.getNodeType().toString());
        }
    }

    @Test
    void everyCommandHasZooKeepersFieldsAndTypes() throws Exception {
        for (String name : new String[] {
            "ruok",
            "srvr",
            "server_stats",
            "stat",
            "stats",
            "conf",
            "configuration",
            "config",
            "leader",
            "lead",
            "dirs",
            "isro",
            "is_read_only"
        }) {
            assertThat(shape(ours(name))).as(name).isEqualTo(shape(theirs(name)));
        }
        // monitor: ZooKeeper adds its metrics provider's hundreds of summaries to dumpMonitorValues; ours has
        // every dumpMonitorValues field and nothing ZooKeeper's monitor does not have
        Set<String> ourKeys = new TreeSet<>();
        ours("monitor").propertyNames().forEach(ourKeys::add);
        Set<String> theirKeys = new TreeSet<>();
        theirs("monitor").propertyNames().forEach(theirKeys::add);
        assertThat(ourKeys).containsAll(zookeeper.monitorValues().keySet()).contains("command", "error");
        assertThat(theirKeys).containsAll(ourKeys);
        assertThat(ours("mntr").path("command").asString()).isEqualTo("monitor");
    }

    @Test
    void valuesAgreeWithTheFourLetterWordsAndMove() throws Exception {
        JsonNode before = ours("srvr");
        assertThat(before.path("command").asString()).isEqualTo("server_stats");
        assertThat(before.path("error").isNull()).isTrue();
        for (int i = 0; i < 3; i++) {
            ourClient.create("/admin-" + i, new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        JsonNode after = ours("server_stats");
        assertThat(after.path("node_count").asInt())
                .isEqualTo(before.path("node_count").asInt() + 3);
        assertThat(after.path("server_stats").path("packets_received").asLong())
                .isGreaterThan(
                        before.path("server_stats").path("packets_received").asLong());
        assertThat(after.path("server_stats").path("server_state").asString()).isEqualTo("standalone");

        // the zxid is srvr's, the node count mntr's
        String srvr = FourLetterWordMain.send4LetterWord("127.0.0.1", clientPort, "srvr");
        long zxid = Long.decode(srvr.lines()
                .filter(l -> l.startsWith("Zxid: "))
                .findFirst()
                .orElseThrow()
                .substring("Zxid: ".length()));
        assertThat(after.path("server_stats").path("last_processed_zxid").asLong())
                .isEqualTo(zxid);
        JsonNode monitor = ours("monitor");
        assertThat(monitor.path("znode_count").asInt())
                .isEqualTo(after.path("node_count").asInt());
        assertThat(monitor.path("server_state").asString()).isEqualTo("standalone");
        assertThat(monitor.path("num_alive_connections").asInt()).isGreaterThanOrEqualTo(1);

        JsonNode stat = ours("stat");
        assertThat(stat.path("command").asString()).isEqualTo("stats");
        assertThat(stat.path("connections").size()).isGreaterThanOrEqualTo(1);
        assertThat(stat.path("connections").get(0).path("remote_socket_address").asString())
                .startsWith("127.0.0.1:");
        assertThat(stat.path("secure_connections").size()).isZero();

        JsonNode conf = ours("configuration");
        assertThat(conf.path("client_port").asInt()).isEqualTo(clientPort);
        assertThat(conf.path("server_id").asInt()).isZero();
        assertThat(ours("dirs").path("logdir_size").asLong()).isPositive(); // the creates above are in the log
        assertThat(ours("isro").path("read_only").asBoolean()).isFalse();
        assertThat(ours("ruok").path("error").isNull()).isTrue();
        // standalone, as ZooKeeper standalone: no leader
        assertThat(ours("leader").path("error").asString()).isEqualTo("server is not initialized");
    }

    @Test
    void unknownNamesNeedAnAdminAndGetZooKeepersAnswer() throws Exception {
        assertThat(anonymous.get("/commands/no_such_command").status()).isEqualTo(401);
        Http.Response admin = anonymous.as("admin", "admin-pw").get("/commands/no_such_command");
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.json().path("command").asString()).isEqualTo("no_such_command");
        assertThat(admin.json().path("error").asString()).isEqualTo("Unknown command: no_such_command");
    }

    @Test
    void theFourLetterWordWhitelistGatesTheCommandsByTheirWord() throws Exception {
        try (ConfigurableApplicationContext limited =
                StandaloneApp.start(dir.resolve("limited"), "--coordinator.four-letter-words=ruok,srvr")) {
            Http http = StandaloneApp.http(limited, null, null);
            assertThat(http.get("/commands/ruok").status()).isEqualTo(200);
            assertThat(http.get("/commands/server_stats").status()).isEqualTo(200);
            Http.Response monitor = http.get("/commands/monitor");
            assertThat(monitor.status()).isEqualTo(403);
            assertThat(monitor.json().path("command").asString()).isEqualTo("monitor");
            assertThat(monitor.json().path("error").asString())
                    .isEqualTo("monitor is not executed because mntr is not in the whitelist"
                            + " (coordinator.four-letter-words / 4lw.commands.whitelist)");
            assertThat(http.get("/commands/conf").status()).isEqualTo(403);
            assertThat(http.get("/commands/leader").status()).isEqualTo(200); // no four-letter word
        }
    }
}
