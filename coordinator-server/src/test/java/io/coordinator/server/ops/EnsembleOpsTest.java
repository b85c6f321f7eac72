package io.coordinator.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coordinator.server.app.CoordinatorApplication;
import io.coordinator.testsupport.Member;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Readiness, the cluster view and the REST API on a real 3-node ensemble in this JVM: a lone member is not ready,
 * three are; the leader sees its followers' connection and lag; a stopped follower shows as disconnected while
 * the rest stay ready, and is ready again after a restart.
 */
class EnsembleOpsTest {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    final ConfigurableApplicationContext[] nodes = new ConfigurableApplicationContext[3];
    int[] clientPorts;
    String ensemble;

    @AfterEach
    void stopAll() {
        for (ConfigurableApplicationContext c : nodes) {
            if (c != null) {
                c.close();
            }
        }
    }

    ConfigurableApplicationContext start(int id) {
        return new SpringApplicationBuilder(CoordinatorApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--coordinator.server-id=" + id,
                        "--coordinator.ensemble=" + ensemble,
                        "--coordinator.client-port=" + clientPorts[id - 1],
                        "--coordinator.data-dir=" + dir.resolve("node" + id),
                        "--coordinator.tick-time=200",
                        "--coordinator.init-limit=20",
                        "--coordinator.sync-limit=10",
                        "--coordinator.web.users.admin.password={noop}pw",
                        "--coordinator.web.users.admin.role=ADMIN",
                        "--coordinator.web.request-timeout=2s");
    }

    static int http(ConfigurableApplicationContext c) {
        return ((WebServerApplicationContext) c).getWebServer().getPort();
    }

    static HttpResponse<String> send(ConfigurableApplicationContext c, String method, String path, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http(c) + path))
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            b.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8)));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode status(ConfigurableApplicationContext c) {
        return JSON.readTree(send(c, "GET", "/actuator/coordinator", null).body());
    }

    static int readiness(ConfigurableApplicationContext c) {
        return send(c, "GET", "/actuator/health/readiness", null).statusCode();
    }

    static JsonNode peer(JsonNode status, int id) {
        for (JsonNode p : status.path("peers")) {
            if (p.path("id").asInt() == id) {
                return p;
            }
        }
        throw new AssertionError("no peer " + id + " in " + status);
    }

    @Test
    void readinessAndClusterViewFollowTheQuorum() throws Exception {
        List<Member> members = Member.allocate(3, dir);
        clientPorts = Member.clientPorts(members);
        ensemble = Member.ensemble(members);

        // alone: alive, but not ready, looking, both peers disconnected; the REST API answers 503
        nodes[0] = start(1);
        assertThat(send(nodes[0], "GET", "/actuator/health/liveness", null).statusCode())
                .isEqualTo(200);
        HttpResponse<String> notReady = send(nodes[0], "GET", "/actuator/health/readiness", null);
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(notReady.body()).path("status").asString()).isEqualTo("OUT_OF_SERVICE");
        JsonNode lone = status(nodes[0]);
        assertThat(lone.path("serverId").asInt()).isEqualTo(1);
        assertThat(lone.path("role").asString()).isEqualTo("looking");
        assertThat(lone.path("ready").asBoolean()).isFalse();
        assertThat(lone.path("leaderId").isNull()).isTrue();
        assertThat(peer(lone, 1).path("connection").asString()).isEqualTo("self");
        assertThat(peer(lone, 2).path("connection").asString()).isEqualTo("disconnected");
        assertThat(peer(lone, 3).path("connection").asString()).isEqualTo("disconnected");
        HttpResponse<String> unavailable = send(nodes[0], "GET", "/api/znodes/", null);
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(unavailable.body()).path("zkError").asString()).isEqualTo("CONNECTIONLOSS");

        nodes[1] = start(2);
        nodes[2] = start(3);
        await().atMost(PATIENCE)
                .until(() -> readiness(nodes[0]) == 200 && readiness(nodes[1]) == 200 && readiness(nodes[2]) == 200);

        int leader = status(nodes[0]).path("leaderId").asInt();
        assertThat(leader).isBetween(1, 3);
        ConfigurableApplicationContext leaderNode = nodes[leader - 1];
        int follower = leader == 3 ? 2 : 3;
        for (ConfigurableApplicationContext n : nodes) {
            JsonNode s = status(n);
            assertThat(s.path("leaderId").asInt()).isEqualTo(leader);
            assertThat(s.path("role").asString()).isIn("leader", "follower");
            assertThat(s.path("epoch").asLong()).isPositive();
        }
        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonNode s = status(leaderNode);
            assertThat(s.path("role").asString()).isEqualTo("leader");
            for (int id = 1; id <= 3; id++) {
                if (id == leader) {
                    assertThat(peer(s, id).path("connection").asString()).isEqualTo("self");
                    continue;
                }
                JsonNode p = peer(s, id);
                assertThat(p.path("role").asString()).isEqualTo("follower");
                assertThat(p.path("connection").asString()).isEqualTo("connected");
                assertThat(p.path("synced").asBoolean()).isTrue();
                assertThat(p.path("lagTxns").isNumber()).isTrue();
            }
        });

        // ZooKeeper's AdminServer leader command (fields from its Commands.LeaderCommand: no ZooKeeper ensemble here)
        for (int id = 1; id <= 3; id++) {
            JsonNode lead = JSON.readTree(
                    send(nodes[id - 1], "GET", "/commands/leader", null).body());
            assertThat(lead.propertyNames())
                    .containsExactlyInAnyOrder("command", "error", "is_leader", "leader_id", "leader_ip");
            assertThat(lead.path("is_leader").asBoolean()).isEqualTo(id == leader);
            assertThat(lead.path("leader_id").asInt()).isEqualTo(leader);
            assertThat(lead.path("leader_ip").asString()).isEqualTo("127.0.0.1");
        }
        JsonNode leaderStats =
                JSON.readTree(send(leaderNode, "GET", "/commands/srvr", null).body());
        assertThat(leaderStats.path("proposal_stats").propertyNames())
                .containsExactlyInAnyOrder("last_buffer_size", "min_buffer_size", "max_buffer_size");
        assertThat(JSON.readTree(send(leaderNode, "GET", "/commands/monitor", null)
                                .body())
                        .path("synced_followers")
                        .asInt())
                .isEqualTo(2);

        // a follower knows its leader's connection; another follower's it cannot know
        int otherFollower = 6 - leader - follower;
        JsonNode followerView = status(nodes[follower - 1]);
        assertThat(followerView.path("role").asString()).isEqualTo("follower");
        assertThat(peer(followerView, leader).path("role").asString()).isEqualTo("leader");
        assertThat(peer(followerView, leader).path("connection").asString()).isEqualTo("connected");
        assertThat(peer(followerView, otherFollower).path("connection").asString())
                .isIn("unknown", "connected");
        assertThat(peer(followerView, otherFollower).path("lagTxns").isNull()).isTrue();

        // a write through one member's REST API is seen through the leader's (once that member's REST layer has
        // its own session: readiness is about the server, the REST client connects on first use)
        ConfigurableApplicationContext other = nodes[follower - 1];
        await().atMost(PATIENCE)
                .until(() -> send(other, "GET", "/api/znodes/", null).statusCode() == 200);
        HttpResponse<String> created = send(other, "POST", "/api/znodes/ops-ensemble", "{\"data\":\"v\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        await().atMost(PATIENCE)
                .until(() -> send(leaderNode, "GET", "/api/znodes/ops-ensemble", null)
                                .statusCode()
                        == 200);
        HttpResponse<String> published = send(other, "PUT", "/api/config/ens", "{\"properties\":{\"a\":\"1\"}}");
        assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
        // the generated REST identity is the same on every member (derived from the secret the first leader
        // replicated; no member configures one): the
        // leader's REST layer may add to the history node the follower's created with its identity in the ACL
        HttpResponse<String> again = send(leaderNode, "PUT", "/api/config/ens", "{\"properties\":{\"a\":\"2\"}}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);

        // the first member waited for a quorum: one election, counted and timed
        String scrape = send(nodes[0], "GET", "/actuator/prometheus", null).body();
        assertThat(ActuatorTest.gauge(scrape, "coordinator_elections_total")).isGreaterThanOrEqualTo(1);
        assertThat(ActuatorTest.gauge(scrape, "coordinator_election_seconds_count"))
                .isGreaterThanOrEqualTo(1);
        // ZooKeeper's names: an ensemble member's quorum_size and election_time, the leader's learner gauges
        assertThat(ActuatorTest.gauge(scrape, "quorum_size")).isEqualTo(3);
        assertThat(ActuatorTest.gauge(scrape, "election_time_count")).isGreaterThanOrEqualTo(1);
        String zkLeaderScrape = send(leaderNode, "GET", "/metrics", null).body();
        assertThat(ActuatorTest.gauge(zkLeaderScrape, "synced_followers")).isEqualTo(2);
        assertThat(ActuatorTest.gauge(zkLeaderScrape, "learners")).isEqualTo(2);
        // the leader timed the commit of the writes it proposed (the create, the publish's multi, sessions)
        String leaderScrape =
                send(leaderNode, "GET", "/actuator/prometheus", null).body();
        assertThat(ActuatorTest.gauge(leaderScrape, "coordinator_proposal_commit_seconds_count"))
                .isGreaterThanOrEqualTo(2);

        // stop a follower: the others stay ready; the leader sees it disconnected
        nodes[follower - 1].close();
        nodes[follower - 1] = null;
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(peer(status(leaderNode), follower)
                                .path("connection")
                                .asString())
                        .isEqualTo("disconnected"));
        assertThat(readiness(leaderNode)).isEqualTo(200);

        // restart it: ready again, connected and synced, with the data written meanwhile
        send(leaderNode, "PUT", "/api/znodes/ops-ensemble", "{\"data\":\"while-away\"}");
        nodes[follower - 1] = start(follower);
        ConfigurableApplicationContext back = nodes[follower - 1];
        await().atMost(PATIENCE).until(() -> readiness(back) == 200);
        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonNode p = peer(status(leaderNode), follower);
            assertThat(p.path("connection").asString()).isEqualTo("connected");
            assertThat(p.path("synced").asBoolean()).isTrue();
        });
        await().atMost(PATIENCE)
                .until(() -> JSON.readTree(send(back, "GET", "/api/znodes/ops-ensemble", null)
                                .body())
                        .path("data")
                        .asString()
                        .equals("while-away"));
        assertThat(JSON.readTree(send(back, "GET", "/api/config/ens/history", null)
                                .body())
                        .size())
                .isEqualTo(2);
    }
}
