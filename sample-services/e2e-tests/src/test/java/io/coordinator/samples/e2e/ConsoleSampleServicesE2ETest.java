package io.coordinator.samples.e2e;

import static io.coordinator.samples.e2e.LoopbackHttp.JSON;
import static io.coordinator.samples.e2e.LoopbackHttp.asUser;
import static io.coordinator.samples.e2e.LoopbackHttp.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.coordinator.samples.inventory.InventoryApplication;
import io.coordinator.samples.order.OrderApplication;
import io.coordinator.spring.discovery.InstanceOverrides;
import io.coordinator.spring.test.CoordinatorServerProcess;
import io.coordinator.testsupport.ConsoleBrowser;
import io.coordinator.testsupport.LoopbackPorts;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The console driven in headless Chromium against real sample services: one Coordinator server process, two
 * inventory-service instances and one order-service instance, each its own JVM. The three flows run in order on the
 * same processes: the services view shows every instance with the configuration version it runs per context; taking
 * an inventory instance out of rotation in the console makes order-service's load-balanced calls skip it (no call
 * fails) and putting it back brings calls to it again; a publish in the configuration view lands on every instance.
 * Screenshots (target/console-screenshots/): {@code 10-samples-services.png}, {@code 11-samples-out-of-rotation.png},
 * {@code 12-samples-publish-landed.png}. Measured times are printed with the prefix MEASURED, never asserted.
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleSampleServicesE2ETest {
    static final String ADMIN = "admin";
    static final String PASSWORD = "console-e2e-pw";
    static final Duration PATIENCE = Duration.ofSeconds(90);

    static CoordinatorServerProcess server;
    static int web;
    static final Map<String, SampleProcess> inventory = new LinkedHashMap<>();
    static SampleProcess order;
    static ConsoleBrowser browser;
    /** Context to the version published last (REST at the start, the console in the last flow). */
    static final Map<String, Integer> published = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Path logs = Paths.get("target", "console-e2e");
        Files.createDirectories(logs);
        web = LoopbackPorts.next();
        server = CoordinatorServerProcess.start(List.of(
                "--server.port=" + web,
                "--coordinator.web.users." + ADMIN + ".password={noop}" + PASSWORD,
                "--coordinator.web.users." + ADMIN + ".role=ADMIN",
                "--coordinator.web.anonymous-read=true"));
        // the client port serves before the web server listens
        await().atMost(PATIENCE)
                .ignoreExceptions()
                .until(() -> get(web, "/actuator/health/readiness").statusCode() == 200);
        // one context both services read, and one of each service's own: each instance reports two versions
        publish("application", Map.of("samples.greeting", "hello"));
        publish("inventory-service", Map.of("inventory.restock.threshold", "10"));
        publish("order-service", Map.of("orders.discount-rate", "0.1"));

        String connect = server.connectString();
        for (String id : List.of("inv-a", "inv-b")) {
            inventory.put(id, new SampleProcess(InventoryApplication.class, id, LoopbackPorts.next(), connect, logs));
        }
        order = new SampleProcess(OrderApplication.class, "order-a", LoopbackPorts.next(), connect, logs);
        List<SampleProcess> all = new ArrayList<>(inventory.values());
        all.add(order);
        for (SampleProcess p : all) {
            p.start(); // all three start at once: the JVMs' startups overlap
        }
        browser = new ConsoleBrowser(web, 1280, 900); // meanwhile
        browser.open("#/services");
        browser.signIn(ADMIN, PASSWORD);
        // every instance registered with both its configuration versions
        await().atMost(PATIENCE).until(() -> {
            all.forEach(SampleProcess::assertAlive);
            return reportedVersions().size() == 3
                    && reportedVersions().values().stream().allMatch(v -> v.size() == 2);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
            for (SampleProcess p : inventory.values()) {
                p.stop();
            }
            if (order != null) {
                order.stop();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    // ---- flows

    @Test
    @Order(1)
    void theServicesViewShowsEveryInstanceOfBothSamplesWithTheVersionItRunsPerContext() throws Exception {
        ConsoleBrowser b = browser;
        b.open("#/services");
        b.wait.until(d -> rowIds(d, "inventory-service").equals(Set.of("inv-a", "inv-b"))
                && rowIds(d, "order-service").equals(Set.of("order-a")));
        b.wait.until(d -> !d.findElement(By.id("message")).isDisplayed()); // the sign-in note goes
        b.settled();
        Map<String, String> expected = Map.of(
                "inv-a", "inventory-service",
                "inv-b", "inventory-service",
                "order-a", "order-service");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            WebElement row = row(b.driver, e.getValue(), e.getKey());
            List<String> chips = new ArrayList<>();
            row.findElements(By.cssSelector(".chip")).forEach(c -> chips.add(c.getText()));
            assertThat(chips)
                    .as(e.getKey() + "'s configuration cell")
                    .containsExactlyInAnyOrder(
                            "application v" + published.get("application"),
                            e.getValue() + " v" + published.get(e.getValue()));
            assertThat(row.findElements(By.cssSelector(".chip.ok"))).hasSize(2); // both current
            assertThat(row.findElement(By.cssSelector(".badge.ok")).getText()).isEqualTo("alive");
            assertThat(row.getText()).contains("127.0.0.1:");
        }
        assertThat(b.text("#services-summary")).startsWith("2 services, 3 instances");
        b.screenshot("10-samples-services");
    }

    @Test
    @Order(2)
    void outOfRotationInTheConsoleStopsLoadBalancedCallsReachingItAndBackInRestoresThem() throws Exception {
        ConsoleBrowser b = browser;
        b.open("#/services");
        // order-service calls inventory-service through its load balancer, 50 times a second, for at most 60 s
        Calls calls = new Calls(order.port, Duration.ofSeconds(60));
        calls.start();
        try {
            await().atMost(PATIENCE).until(() -> calls.answeredBy(0).containsAll(Set.of("inv-a", "inv-b")));

            long out = System.nanoTime();
            long outWall = System.currentTimeMillis();
            b.click("button[data-rotate='out'][data-id='inv-a']");
            b.el("#services tr.out [data-rotate='in'][data-id='inv-a']"); // the console shows it out
            long shown = System.nanoTime();
            // twenty calls in a row to inv-b: a round robin over both would have sent every second one to inv-a
            await().atMost(PATIENCE).until(() -> calls.lastInARowBy("inv-b") >= 20);
            int awaited = calls.count();
            // the server's commit of the override (its znode's mtime, same machine clock) splits the figure into
            // the console and server's part and the starter's part (its watch, discovery cache and load balancer)
            long written = JSON.readTree(
                            admin("GET", "/api/znodes" + InstanceOverrides.ROOT + "/inventory-service/inv-a", null)
                                    .body())
                    .path("stat")
                    .path("mtime")
                    .asLong();
            Call lastOnA = calls.lastBy("inv-a");
            System.out.printf(
                    "MEASURED out of rotation: click -> override committed %d ms (the console showed it out after"
                            + " %.1f ms); committed -> the last load-balanced call to inv-a started %d ms (negative:"
                            + " before the commit); click -> that call %.1f ms; %d calls so far, %d failed%n",
                    written - outWall,
                    (shown - out) / 1e6,
                    lastOnA.wall - written,
                    (lastOnA.started - out) / 1e6,
                    awaited,
                    calls.failures().size());
            b.settled();
            b.screenshot("11-samples-out-of-rotation");
            // it keeps running, and no call reaches it any more
            assertThat(get(inventory.get("inv-a").port, "/whoami").body()).isEqualTo("inv-a");
            int more = awaited + 50;
            await().atMost(PATIENCE).until(() -> calls.count() >= more);
            assertThat(calls.answeredBy(awaited)).containsExactly("inv-b");
            assertThat(calls.failures()).isEmpty();

            long in = System.nanoTime();
            b.click("button[data-rotate='in'][data-id='inv-a']");
            b.el("#services button[data-rotate='out'][data-id='inv-a']");
            await().atMost(PATIENCE).until(() -> calls.firstBy("inv-a", in) != null);
            System.out.printf(
                    "MEASURED back in rotation: the first load-balanced call to inv-a again started %.1f ms after the"
                            + " click%n",
                    (calls.firstBy("inv-a", in).started - in) / 1e6);
        } finally {
            calls.stop();
        }
        assertThat(calls.failures()).as("no load-balanced call failed").isEmpty();
        assertThat(calls.count()).isPositive();
    }

    @Test
    @Order(3)
    void aPublishInTheConfigurationViewLandsOnEveryInstance() throws Exception {
        ConsoleBrowser b = browser;
        b.open("#/config/application");
        int before = published.get("application");
        b.wait.until(d -> listenerRows(d).size() == 3);
        b.type("#config-text", "samples.greeting=hello\nsamples.release=2");
        b.type("#config-comment", "a second release, from the console");
        long clicked = System.nanoTime();
        b.click("#preview");
        b.textIn("#config-diff", "samples.release=2");
        b.click("#publish");
        b.textIn("#message", "Published application as version " + (before + 1));
        published.put("application", before + 1);
        String version = "v" + (before + 1);
        // every instance's row shows the new version as current, as each reports it in its registration
        b.wait.until(d -> {
            List<WebElement> rows = listenerRows(d);
            return rows.size() == 3
                    && rows.stream()
                            .allMatch(r -> r.getText().contains(version)
                                    && !r.findElements(By.cssSelector(".badge.ok"))
                                            .isEmpty());
        });
        System.out.printf(
                "MEASURED publish in the console -> all 3 instances shown at %s: %.1f ms after the preview click%n",
                version, (System.nanoTime() - clicked) / 1e6);
        Set<String> instances = new TreeSet<>();
        for (WebElement r : listenerRows(b.driver)) {
            instances.add(r.findElements(By.tagName("td")).get(1).getText());
        }
        assertThat(instances).containsExactly("inv-a", "inv-b", "order-a");
        // what the console shows is what the instances report
        assertThat(reportedVersions().values())
                .allSatisfy(v -> assertThat(v.get("application")).isEqualTo(before + 1));
        b.settled();
        b.js("document.getElementById('listeners').scrollIntoView()"); // the table below the editor and history
        b.screenshot("12-samples-publish-landed");
    }

    // ---- the DOM

    static Set<String> rowIds(WebDriver d, String service) {
        Set<String> ids = new TreeSet<>();
        for (WebElement td : d.findElements(
                By.cssSelector("#services tbody.svc[data-name='" + service + "'] tr[data-text] td.id"))) {
            ids.add(td.getText());
        }
        return ids;
    }

    static WebElement row(WebDriver d, String service, String id) {
        return d.findElement(By.xpath("//table[@id='services']/tbody[@data-name='" + service
                + "']/tr[@data-text][td[@class='id' and text()='" + id + "']]"));
    }

    static List<WebElement> listenerRows(WebDriver d) {
        return d.findElements(By.cssSelector("#listeners tbody tr:not(:has(td[colspan]))"));
    }

    // ---- load-balanced calls

    /** One call to order-service's /orders/route: when it started and which inventory instance answered. */
    record Call(long started, long wall, int status, String answer) {}

    /** Calls order-service's /orders/route at a steady pace from one thread until stopped or its time is up. */
    static final class Calls {
        private final int port;
        private final long until;
        private final List<Call> done = new CopyOnWriteArrayList<>();
        private volatile boolean stopped;
        private final Thread thread = new Thread(this::run, "load-balanced-calls");

        Calls(int port, Duration atMost) {
            this.port = port;
            this.until = System.nanoTime() + atMost.toNanos();
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }

        private void run() {
            long next = System.nanoTime();
            while (!stopped && System.nanoTime() < until) {
                long started = System.nanoTime();
                long wall = System.currentTimeMillis();
                try {
                    HttpResponse<String> r = get(port, "/orders/route");
                    done.add(new Call(started, wall, r.statusCode(), r.body()));
                } catch (Exception e) {
                    done.add(new Call(started, wall, -1, e.toString()));
                }
                next += TimeUnit.MILLISECONDS.toNanos(20); // a pace, not a wait for anything
                LockSupport.parkNanos(next - System.nanoTime());
            }
        }

        int count() {
            return done.size();
        }

        List<Call> failures() {
            return done.stream().filter(c -> c.status != 200).toList();
        }

        /** Who answered the calls from the {@code from}-th on. */
        Set<String> answeredBy(int from) {
            Set<String> out = new TreeSet<>();
            List<Call> all = List.copyOf(done);
            for (Call c : all.subList(Math.min(from, all.size()), all.size())) {
                if (c.status == 200) {
                    out.add(c.answer);
                }
            }
            return out;
        }

        /** How many of the latest calls in a row {@code instance} answered. */
        int lastInARowBy(String instance) {
            List<Call> all = List.copyOf(done);
            int n = 0;
            for (int i = all.size() - 1; i >= 0 && instance.equals(all.get(i).answer); i--) {
                n++;
            }
            return n;
        }

        Call lastBy(String instance) {
            List<Call> all = List.copyOf(done);
            for (int i = all.size() - 1; i >= 0; i--) {
                if (instance.equals(all.get(i).answer)) {
                    return all.get(i);
                }
            }
            return null;
        }

        /** The first call started after {@code since} (System.nanoTime) that {@code instance} answered, or null. */
        Call firstBy(String instance, long since) {
            for (Call c : done) {
                if (c.started > since && instance.equals(c.answer)) {
                    return c;
                }
            }
            return null;
        }
    }

    // ---- REST

    static HttpResponse<String> admin(String method, String path, Object body) throws Exception {
        return asUser(ADMIN + ":" + PASSWORD, web, method, path, body);
    }

    static void publish(String context, Map<String, String> properties) throws Exception {
        HttpResponse<String> r = admin("PUT", "/api/config/" + context, Map.of("properties", properties));
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        published.put(context, JSON.readTree(r.body()).path("version").asInt());
    }

    /** Instance id to (context to the published version it reports running), as /api/instances has them. */
    static Map<String, Map<String, Integer>> reportedVersions() throws Exception {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        for (JsonNode i : JSON.readTree(admin("GET", "/api/instances", null).body())) {
            Map<String, Integer> versions = new LinkedHashMap<>();
            for (JsonNode c : i.path("configs")) {
                versions.put(c.path("context").asText(), c.path("version").asInt());
            }
            out.put(i.path("id").asText(), versions);
        }
        return out;
    }
}
