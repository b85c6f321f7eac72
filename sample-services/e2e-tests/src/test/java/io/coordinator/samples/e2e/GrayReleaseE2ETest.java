package io.coordinator.samples.e2e;

import static io.coordinator.samples.e2e.LoopbackHttp.JSON;
import static io.coordinator.samples.e2e.LoopbackHttp.asUser;
import static io.coordinator.samples.e2e.LoopbackHttp.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.coordinator.config.format.gray.GraySelector;
import io.coordinator.samples.order.OrderApplication;
import io.coordinator.spring.test.CoordinatorEnsembleProcess;
import io.coordinator.testsupport.LoopbackPorts;
import io.coordinator.testsupport.Member;
import io.coordinator.testsupport.ServerEnsemble;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Gray release of configuration end to end: a real 3-member ensemble (three server JVMs) with its REST API, and four
 * instances of order-service as separate processes (each its own JVM), one of them labelled {@code canary=true}.
 * Each instance shows the values it runs at {@code /orders/settings}. Releases are started, widened, promoted and
 * aborted through {@code /api/config/order-service/gray}. The tests run in order on the same ensemble and instances.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GrayReleaseE2ETest {
    static final String CONTEXT = "order-service";
    static final String RATE = "orders.discount-rate";
    static final String EXPRESS = "orders.express-enabled";
    /** The spec: a gray release reaches its instances within 2 s (a bound to await, not a speed measurement). */
    static final Duration SPEC = Duration.ofSeconds(2);

    static final Duration PATIENCE = Duration.ofSeconds(60);
    static final String ADMIN = "admin:gray-e2e-admin-pw";

    static ServerEnsemble ensemble;
    static final Map<Integer, Integer> webPorts = new ConcurrentHashMap<>();
    static final Map<String, SampleProcess> instances = new LinkedHashMap<>();
    static Path logs;

    @BeforeAll
    static void start() throws Exception {
        logs = Paths.get("target", "gray-e2e");
        Files.createDirectories(logs);
        ensemble = CoordinatorEnsembleProcess.launch(3, GrayReleaseE2ETest::serverSettings);
        awaitRestApis();
        // the main version, published as operators do
        HttpResponse<String> published =
                rest("PUT", "/api/config/" + CONTEXT, Map.of("properties", Map.of(RATE, "0.1", EXPRESS, "false")));
        assertThat(published.statusCode()).as(published.body()).isBetween(200, 201);
        for (String id : List.of("gray-a", "gray-b", "gray-c", "gray-d")) {
            SampleProcess instance = new SampleProcess(
                    OrderApplication.class,
                    id,
                    LoopbackPorts.next(),
                    ensemble.connectString(),
                    SampleServicesEnsembleE2ETest.SESSION_TIMEOUT,
                    logs,
                    "--coordinator.client.registration.metadata.canary=" + id.equals("gray-a"));
            instances.put(id, instance);
            instance.start();
        }
        for (SampleProcess i : instances.values()) {
            await().atMost(Duration.ofSeconds(120)).until(() -> up(i));
        }
        for (SampleProcess i : instances.values()) {
            assertThat(rate(i)).isEqualTo(0.1);
        }
    }

    /** Up: serving HTTP and registered. */
    static boolean up(SampleProcess instance) {
        instance.assertAlive();
        try {
            return get(instance.port, "/orders/settings").statusCode() == 200 && registered(instance.id);
        } catch (Exception e) {
            return false;
        }
    }

    /** REST on a fixed port each (so the test can reach every member), an admin, and reads open to instances. */
    static List<String> serverSettings(Member m) {
        int web = webPorts.computeIfAbsent(m.id(), id -> {
            try {
                return LoopbackPorts.next();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return List.of(
                "--server.port=" + web,
                "--coordinator.web.users.admin.password={noop}gray-e2e-admin-pw",
                "--coordinator.web.users.admin.role=ADMIN",
                "--coordinator.web.anonymous-read=true");
    }

    /** The client ports serve before the web server has started: wait for every member's REST API too. */
    static void awaitRestApis() {
        for (Member m : ensemble.members()) {
            await().atMost(PATIENCE)
                    .ignoreExceptions()
                    .until(() -> get(webPorts.get(m.id()), "/actuator/health/readiness")
                                    .statusCode()
                            == 200);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (SampleProcess i : instances.values()) {
                i.stop();
            }
        } finally {
            if (ensemble != null) {
                ensemble.close();
            }
        }
    }

    // ---- HTTP

    /** A REST call as the admin to a running member (the first one that answers). */
    static HttpResponse<String> rest(String method, String path, Object body) throws Exception {
        Exception last = null;
        for (Member m : ensemble.members()) {
            if (!ensemble.isRunning(m.id())) {
                continue;
            }
            try {
                HttpResponse<String> r = asUser(ADMIN, webPorts.get(m.id()), method, path, body);
                if (r.statusCode() != 503) {
                    return r;
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IllegalStateException("no member answered " + method + " " + path, last);
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    // ---- what the instances run

    static double rate(SampleProcess i) throws Exception {
        return JSON.readTree(get(i.port, "/orders/settings").body())
                .path("discountRate")
                .asDouble();
    }

    static boolean express(SampleProcess i) throws Exception {
        return JSON.readTree(get(i.port, "/orders/settings").body())
                .path("expressEnabled")
                .asBoolean();
    }

    /** Ids of the instances whose /orders/settings show discount rate {@code rate}. */
    static Set<String> running(double rate) throws Exception {
        Set<String> out = new TreeSet<>();
        for (SampleProcess i : instances.values()) {
            if (rate(i) == rate) {
                out.add(i.id);
            }
        }
        return out;
    }

    static boolean registered(String id) throws Exception {
        HttpResponse<String> r = rest("GET", "/api/services/" + CONTEXT + "/" + id, null);
        return r.statusCode() == 200;
    }

    // ---- the gray API

    static Map<String, Object> grayBody(double rate, Map<String, Object> selector, String comment) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("properties", Map.of(RATE, Double.toString(rate), EXPRESS, "true"));
        body.put("selector", selector);
        body.put("comment", comment);
        return body;
    }

    static JsonNode startGray(double rate, Map<String, Object> selector, String comment) throws Exception {
        HttpResponse<String> r = rest("POST", "/api/config/" + CONTEXT + "/gray", grayBody(rate, selector, comment));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r);
    }

    static JsonNode grayState() throws Exception {
        HttpResponse<String> r = rest("GET", "/api/config/" + CONTEXT + "/gray", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    /** Instance id to [selected, runs] as the server shows them. */
    static Map<String, String> serverView() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode i : grayState().path("instances")) {
            out.put(
                    i.path("instance").asText(),
                    i.path("selected").asBoolean() + "/" + i.path("runs").asText());
        }
        return out;
    }

    static void abort(String comment) throws Exception {
        HttpResponse<String> r = rest("POST", "/api/config/" + CONTEXT + "/gray/abort", Map.of("comment", comment));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(rest("GET", "/api/config/" + CONTEXT + "/gray", null).statusCode())
                .isEqualTo(404);
    }

    static void promote(String comment) throws Exception {
        HttpResponse<String> r = rest("POST", "/api/config/" + CONTEXT + "/gray/promote", Map.of("comment", comment));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(rest("GET", "/api/config/" + CONTEXT + "/gray", null).statusCode())
                .isEqualTo(404);
    }

    static List<String> historyActions() throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode h : json(rest("GET", "/api/config/" + CONTEXT + "/gray/history", null))) {
            out.add(h.path("action").asText());
        }
        return out;
    }

    static Map<String, Object> canary() {
        return Map.of("labels", Map.of("canary", "true"));
    }

    // ---- the tests

    @Test
    @Order(1)
    void aReleaseByLabelReachesExactlyTheLabelledInstanceAndAnAbortBringsItBack() throws Exception {
        long started = System.nanoTime();
        JsonNode state = startGray(0.3, canary(), "canary first");
        long answered = System.nanoTime();
        String release = state.path("release").asText();
        assertThat(release).isNotBlank();
        await().atMost(SPEC).until(() -> rate(instances.get("gray-a")) == 0.3);
        System.out.printf(
                "MEASURED gray start by label -> on the labelled instance: %.1f ms (the POST answered after %.1f ms)%n",
                (System.nanoTime() - started) / 1e6, (answered - started) / 1e6);
        assertThat(express(instances.get("gray-a"))).isTrue();
        assertThat(running(0.1)).containsExactly("gray-b", "gray-c", "gray-d");
        assertThat(rest("POST", "/api/config/" + CONTEXT + "/gray", grayBody(0.4, canary(), "second"))
                        .statusCode())
                .as("one release at a time")
                .isEqualTo(409);
        // the server sees which instance runs which version (from the registrations' metadata)
        await().atMost(PATIENCE)
                .until(() -> serverView()
                        .equals(Map.of(
                                "gray-a", "true/gray",
                                "gray-b", "false/main",
                                "gray-c", "false/main",
                                "gray-d", "false/main")));
        assertThat(grayState().path("diff").toString()).contains(RATE).contains(EXPRESS);

        started = System.nanoTime();
        abort("canary looked wrong");
        await().atMost(SPEC).until(() -> rate(instances.get("gray-a")) == 0.1);
        System.out.printf(
                "MEASURED gray abort -> the gray instance back on main: %.1f ms%n",
                (System.nanoTime() - started) / 1e6);
        assertThat(express(instances.get("gray-a"))).isFalse();
        assertThat(running(0.1)).hasSize(4);
        assertThat(historyActions()).startsWith("abort", "start");
    }

    @Test
    @Order(2)
    void aPercentageReleasePicksAStableSubsetThatGrowsAndPromoteBringsAllFour() throws Exception {
        // a release whose 50 % is neither none nor all of the four (the release id decides: try a few)
        String release = null;
        Set<String> expected = null;
        for (int attempt = 0; attempt < 8 && release == null; attempt++) {
            JsonNode state = startGray(0.5, Map.of("percent", 50), "half, attempt " + attempt);
            String id = state.path("release").asText();
            Set<String> in = selected(id, 50);
            if (!in.isEmpty() && in.size() < 4 && !in.containsAll(selected(id, 90))) {
                release = id;
                expected = in;
            } else {
                abort("not a proper subset, another release id");
            }
        }
        assertThat(release).as("a release id that splits the four instances").isNotNull();
        Set<String> half = expected;
        await().atMost(SPEC).until(() -> running(0.5).equals(half));
        assertThat(running(0.1)).hasSize(4 - half.size());
        // re-read: the same instances, on the server and on the instances
        String rel = release;
        await().atMost(PATIENCE).until(() -> selectedOnServer().equals(half));
        assertThat(grayState().path("release").asText()).isEqualTo(rel);
        assertThat(running(0.5)).isEqualTo(half);

        // widened to 90 %: same release id, the instances already on gray stay on it
        HttpResponse<String> update =
                rest("PUT", "/api/config/" + CONTEXT + "/gray", grayBody(0.6, Map.of("percent", 90), "wider"));
        assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
        assertThat(json(update).path("release").asText()).isEqualTo(rel);
        Set<String> wider = selected(rel, 90);
        assertThat(wider).containsAll(half).hasSizeGreaterThan(half.size());
        await().atMost(SPEC).until(() -> running(0.6).equals(wider));

        long started = System.nanoTime();
        promote("looks good");
        await().atMost(SPEC).until(() -> running(0.6).size() == 4);
        System.out.printf(
                "MEASURED gray promote -> all four on the new values: %.1f ms%n", (System.nanoTime() - started) / 1e6);
        for (SampleProcess i : instances.values()) {
            assertThat(express(i)).isTrue();
        }
        JsonNode main = json(rest("GET", "/api/config/" + CONTEXT, null));
        assertThat(main.toString()).contains("0.6");
        assertThat(historyActions()).startsWith("promote", "update", "start");
    }

    /** Which of the four instances a percentage of release {@code release} selects (the shared selector). */
    static Set<String> selected(String release, int percent) {
        Set<String> out = new TreeSet<>();
        for (String id : instances.keySet()) {
            if (GraySelector.bucket(release, id) < percent) {
                out.add(id);
            }
        }
        return out;
    }

    static Set<String> selectedOnServer() throws Exception {
        Set<String> out = new TreeSet<>();
        serverView().forEach((id, v) -> {
            if (v.equals("true/gray")) {
                out.add(id);
            }
        });
        return out;
    }

    @Test
    @Order(3)
    void aRestartedGrayInstanceComesBackOnItsGrayVersion() throws Exception {
        startGray(0.7, canary(), "canary again");
        SampleProcess a = instances.get("gray-a");
        await().atMost(SPEC).until(() -> rate(a) == 0.7);
        a.stop();
        a.start();
        await().atMost(Duration.ofSeconds(120)).until(() -> up(a));
        // its first answer is the gray version: applied when the configuration was loaded, before the web server
        assertThat(rate(a)).isEqualTo(0.7);
        assertThat(running(0.6)).containsExactly("gray-b", "gray-c", "gray-d");
        await().atMost(PATIENCE).until(() -> "true/gray".equals(serverView().get("gray-a")));
    }

    @Test
    @Order(4)
    void aLeaderKilledDuringAReleaseLosesNothing() throws Exception {
        String release = grayState().path("release").asText();
        int leader = ensemble.leaderId();
        assertThat(leader).isPositive();
        ensemble.kill(leader); // SIGKILL
        long killedAt = System.nanoTime();
        try {
            // the release is still there, served by the survivors, with the same id
            await().atMost(PATIENCE).until(() -> {
                HttpResponse<String> r = rest("GET", "/api/config/" + CONTEXT + "/gray", null);
                return r.statusCode() == 200
                        && release.equals(json(r).path("release").asText());
            });
            SampleProcess a = instances.get("gray-a");
            assertThat(rate(a)).isEqualTo(0.7);
            assertThat(running(0.6)).containsExactly("gray-b", "gray-c", "gray-d");

            // and promote works on the new leader
            await().atMost(PATIENCE).until(() -> ensemble.leaderId() != 0);
            promote("after the failover");
            await().atMost(SPEC).until(() -> running(0.7).size() == 4);
            System.out.printf(
                    "MEASURED leader %d SIGKILLed during a gray release: release kept, promoted and applied on all four"
                            + " %.1f ms after the kill%n",
                    leader, (System.nanoTime() - killedAt) / 1e6);
            assertThat(historyActions()).startsWith("promote", "start");
        } finally {
            ensemble.start(leader);
            ensemble.awaitReady(Duration.ofSeconds(90));
            awaitRestApis();
        }
    }
}
