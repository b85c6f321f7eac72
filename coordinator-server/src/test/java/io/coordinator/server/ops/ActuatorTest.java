package io.coordinator.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.StandaloneAppTest;
import io.coordinator.server.StandaloneTestProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Health groups, the coordinator endpoint and the Prometheus scrape of a standalone server. */
class ActuatorTest extends StandaloneAppTest {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        StandaloneTestProperties.register(r, "coordinator-ops");
        StandaloneTestProperties.user(r, "ops", "ops-pw");
    }

    HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header(
                                        "Authorization",
                                        "Basic "
                                                + Base64.getEncoder()
                                                        .encodeToString("ops:ops-pw".getBytes(StandardCharsets.UTF_8)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void livenessAndReadinessGroupsAreUpWhenStandalone() throws Exception {
        HttpResponse<String> live = get("/actuator/health/liveness");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).path("status").asString()).isEqualTo("UP");
        HttpResponse<String> ready = get("/actuator/health/readiness");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode r = JSON.readTree(ready.body());
        assertThat(r.path("status").asString()).isEqualTo("UP");
        assertThat(r.path("components")
                        .path("coordinatorReadiness")
                        .path("details")
                        .path("role")
                        .asString())
                .isEqualTo("standalone");
        assertThat(JSON.readTree(get("/actuator/health").body()).path("status").asString())
                .isEqualTo("UP");
    }

    @Test
    void coordinatorEndpointShowsTheServer() throws Exception {
        HttpResponse<String> r = get("/actuator/coordinator");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.path("role").asString()).isEqualTo("standalone");
        assertThat(j.path("mode").asString()).isEqualTo("standalone");
        assertThat(j.path("serving").asBoolean()).isTrue();
        assertThat(j.path("ready").asBoolean()).isTrue();
        assertThat(j.path("lastZxid").asString()).startsWith("0x");
        assertThat(j.path("znodes").asInt()).isGreaterThanOrEqualTo(2); // /, /zookeeper, ...
        assertThat(j.has("sessions")).isTrue();
        assertThat(j.has("watches")).isTrue();
        assertThat(j.has("outstandingRequests")).isTrue();
        assertThat(j.path("fsync").has("avgMicros")).isTrue();
        assertThat(j.path("peers").isArray()).isTrue();
        assertThat(j.path("peers").size()).isZero();
    }

    @Test
    void prometheusHasTheMetricsAfterTraffic() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.clientPortNumber(), 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        try {
            assertThat(connected.await(30, TimeUnit.SECONDS)).isTrue();
            zk.create("/metrics-test", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.getData("/metrics-test", true, null);
            zk.setData("/metrics-test", "y".getBytes(), -1);
            zk.getChildren("/", false);
            zk.exists("/metrics-test", true);

            HttpResponse<String> r = get("/actuator/prometheus");
            assertThat(r.statusCode()).isEqualTo(200);
            String text = r.body();
            assertThat(text)
                    .contains("coordinator_requests_seconds_bucket{op=\"create\"")
                    .contains("coordinator_requests_seconds_bucket{op=\"getData\"")
                    .contains("coordinator_requests_seconds_count{op=\"setData\"")
                    .contains("coordinator_requests_seconds_count{op=\"getChildren\"")
                    .contains("coordinator_fsync_seconds_count")
                    .contains("coordinator_fsync_seconds_sum")
                    .contains("coordinator_fsync_last_seconds")
                    .contains("coordinator_log_queue_depth")
                    .contains("coordinator_log_records_total")
                    .contains("coordinator_requests_outstanding")
                    .contains("coordinator_sessions")
                    .contains("coordinator_znodes")
                    .contains("coordinator_watches")
                    .contains("coordinator_packets_received_total")
                    .contains("coordinator_packets_sent_total")
                    .contains("coordinator_connections")
                    .contains("coordinator_elections_total")
                    .contains("coordinator_election_seconds_count")
                    .contains("coordinator_role{role=\"leader\"")
                    .contains("coordinator_ready 1.0")
                    .contains("coordinator_serving 1.0");
            assertThat(gauge(text, "coordinator_sessions")).isGreaterThanOrEqualTo(1);
            assertThat(gauge(text, "coordinator_watches")).isGreaterThanOrEqualTo(1);
            assertThat(gauge(text, "coordinator_fsync_seconds_count")).isGreaterThanOrEqualTo(1);
            assertThat(gauge(text, "coordinator_log_records_total")).isGreaterThanOrEqualTo(2);
        } finally {
            zk.close();
        }
    }

    static double gauge(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no " + name + " in the scrape");
    }
}
