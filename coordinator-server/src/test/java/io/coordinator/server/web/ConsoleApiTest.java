package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coordinator.server.StandaloneAppTest;
import io.coordinator.server.StandaloneTestProperties;
import io.coordinator.server.app.TestClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * What the console's live views read: {@code GET /api/cluster/history} (a standalone server is one member, its
 * samples count the requests it answers) and {@code GET /api/instances} (health, uptime, readiness, versions,
 * overrides; only the services the user may read).
 */
class ConsoleApiTest extends StandaloneAppTest {

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        StandaloneTestProperties.register(r, "coordinator-console-api");
        StandaloneTestProperties.user(r, "admin", "admin-pw", "ADMIN");
        StandaloneTestProperties.user(r, "olga", "olga-pw");
        StandaloneTestProperties.grant(r, "olga", 0, "znode", "/services/orders/**", "read");
    }

    @Test
    void theHistoryOfAStandaloneServerCountsItsWrites() throws Exception {
        Http admin = new Http(port, "admin", "admin-pw");
        try (ZooKeeper zk = TestClients.connect(server.clientPortNumber())) {
            zk.create("/history-load", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                zk.setData("/history-load", "x".getBytes(StandardCharsets.UTF_8), -1);
                JsonNode members = admin.get("/api/cluster/history?last=5").json();
                assertThat(members).hasSize(1);
                JsonNode self = members.get(0);
                assertThat(self.path("self").asBoolean()).isTrue();
                assertThat(self.path("reachable").asBoolean()).isTrue();
                assertThat(self.path("status").path("role").asString()).isEqualTo("standalone");
                assertThat(self.path("samples").size()).isBetween(1, 5);
                boolean wrote = false;
                for (JsonNode s : self.path("samples")) {
                    wrote |= s.path("writesPerSecond").asDouble() > 0
                            && s.path("fsyncs").asLong() > 0;
                }
                assertThat(wrote).as("a sample with writes and fsyncs").isTrue();
            });
        }
        JsonNode local = admin.get("/api/cluster/history/local?last=1").json();
        assertThat(local.path("samples").size()).isEqualTo(1);
        assertThat(local.path("samples").get(0).path("zxid").asString()).startsWith("0x");
        assertThat(new Http(port, null, null).get("/api/cluster/history").status())
                .isEqualTo(401);
    }

    @Test
    void instancesComeWithHealthUptimeVersionsAndOnlyForTheirReaders() throws Exception {
        Http admin = new Http(port, "admin", "admin-pw");
        assertThat(admin.put("/api/config/orders", Map.of("properties", Map.of("a", "1")))
                        .status())
                .isEqualTo(200);
        String v1 = admin.newestVersion("orders");
        assertThat(admin.put("/api/config/orders", Map.of("properties", Map.of("a", "2")))
                        .status())
                .isEqualTo(200);
        try (ZooKeeper zk = TestClients.connect(server.clientPortNumber())) {
            for (String p : new String[] {"/services", "/services/orders", "/services/billing"}) {
                zk.create(p, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            zk.create(
                    "/services/orders/o-1",
                    ("{\"name\":\"orders\",\"id\":\"o-1\",\"address\":\"10.0.0.1\",\"port\":8080,\"payload\":{"
                                    + "\"metadata\":{\"zone\":\"z1\",\"weight\":\"2\",\"readiness\":\"UP\","
                                    + "\"config.orders\":\"" + v1 + "\"}},\"registrationTimeUTC\":1700000000000}")
                            .getBytes(StandardCharsets.UTF_8),
                    ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.EPHEMERAL);
            zk.create(
                    "/services/billing/b-1",
                    "{\"name\":\"billing\",\"id\":\"b-1\",\"address\":\"10.0.0.2\",\"sslPort\":8443}"
                            .getBytes(StandardCharsets.UTF_8),
                    ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
            assertThat(admin.put("/api/services/orders/o-1/override", Map.of("enabled", false))
                            .status())
                    .isEqualTo(200);

            JsonNode all = admin.get("/api/instances").json();
            assertThat(all).hasSize(2);
            JsonNode billing = all.get(0);
            assertThat(billing.path("id").asString()).isEqualTo("b-1");
            assertThat(billing.path("port").asInt()).isEqualTo(8443);
            assertThat(billing.path("session").isNull())
                    .as("a persistent registration has no session")
                    .isTrue();
            JsonNode orders = all.get(1);
            assertThat(orders.path("session").asString()).isEqualTo("0x" + Long.toHexString(zk.getSessionId()));
            assertThat(orders.path("zone").asString()).isEqualTo("z1");
            assertThat(orders.path("weight").asInt()).isEqualTo(2);
            assertThat(orders.path("readiness").asString()).isEqualTo("UP");
            assertThat(orders.path("upSince").asString())
                    .isEqualTo(java.time.Instant.ofEpochMilli(
                                    zk.exists("/services/orders/o-1", false).getCtime())
                            .toString());
            assertThat(orders.path("registeredAt").asString()).isEqualTo("2023-11-14T22:13:20Z");
            assertThat(orders.path("override").path("enabled").asBoolean()).isFalse();
            assertThat(orders.path("metadata").has("config.orders")).isFalse();
            JsonNode config = orders.path("configs").get(0);
            assertThat(config.path("context").asString()).isEqualTo("orders");
            assertThat(config.path("version").asInt()).isEqualTo(1);
            assertThat(config.path("current").asBoolean())
                    .as("v2 was published since")
                    .isFalse();

            // olga reads the orders service only, and not the orders context's history
            JsonNode olgas =
                    new Http(port, "olga", "olga-pw").get("/api/instances").json();
            assertThat(olgas).hasSize(1);
            assertThat(olgas.get(0).path("id").asString()).isEqualTo("o-1");
            assertThat(olgas.get(0).path("configs").get(0).path("version").isNull())
                    .isTrue();
        }
    }
}
