package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.StandaloneAppTest;
import io.coordinator.server.StandaloneTestProperties;
import io.coordinator.server.app.TestClients;
import io.coordinator.testsupport.ConsoleBrowser;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console's live views in headless Chromium against a real standalone server: the cluster view's charts move
 * while a client writes, and the services view holds at a laptop's width with 200 services. Screenshots (in
 * target/console-screenshots/): {@code 6-cluster-charts.png}, {@code 7-services-200.png}.
 */
class ConsoleLiveViewsTest extends StandaloneAppTest {
    static final String WRITES = "[data-member] [data-chart='requests'] polyline[data-series='write']";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        StandaloneTestProperties.register(r, "coordinator-console-live");
        StandaloneTestProperties.user(r, "admin", "live-pw", "ADMIN");
    }

    @Test
    void theClusterChartsMoveWhileAClientWrites() throws Exception {
        try (ConsoleBrowser b = new ConsoleBrowser(port, 1280, 900);
                ZooKeeper writer = TestClients.connect(server.clientPortNumber())) {
            b.open("#/cluster");
            b.signIn("admin", "live-pw");
            b.wait.until(
                    d -> Integer.parseInt(d.findElement(By.cssSelector(WRITES)).getDomAttribute("data-points")) > 0);
            String before = b.attr(WRITES, "points");

            // a bounded load: one client writes until the chart shows it (or 50,000 writes, whichever first)
            writer.create("/load", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            AtomicBoolean seen = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            Thread load = new Thread(() -> {
                try {
                    while (!seen.get() && written.get() < 50_000) {
                        writer.setData("/load", ("v" + written.incrementAndGet()).getBytes(StandardCharsets.UTF_8), -1);
                    }
                } catch (Exception e) {
                    // the assertions below say what is missing
                }
            });
            load.start();
            try {
                b.wait.until(d ->
                        Double.parseDouble(d.findElement(By.cssSelector(WRITES)).getDomAttribute("data-max")) > 0);
            } finally {
                seen.set(true);
                load.join();
            }
            String after = b.attr(WRITES, "points");
            assertThat(after)
                    .as("the write chart's points after %d writes", written.get())
                    .isNotEqualTo(before);
            assertThat(written.get()).isPositive();
            // every chart of the member is drawn, from the server's own history
            for (String chart :
                    new String[] {"requests", "p99", "fsync", "outstanding", "sessions", "znodes", "watches"}) {
                assertThat(b.driver.findElements(By.cssSelector("[data-chart='" + chart + "'] polyline")))
                        .as(chart)
                        .isNotEmpty();
            }
            assertThat(Double.parseDouble(b.attr("[data-chart='fsync'] polyline", "data-max")))
                    .as("fsync time drawn while writes were logged")
                    .isPositive();
            b.textIn("[data-member] .conn", "self");
            b.wait.until(d -> !d.findElement(By.id("message")).isDisplayed()); // the sign-in note goes
            b.settled();
            b.screenshot("6-cluster-charts");
        }
    }

    @Test
    void twoHundredServicesFitALaptopScreen() throws Exception {
        Http http = new Http(port, "admin", "live-pw");
        Http.Response published = http.put("/api/config/shop,prod", Map.of("properties", Map.of("greeting", "hi")));
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        String v1 = http.newestVersion("shop,prod");
        assertThat(http.put("/api/config/shop,prod", Map.of("properties", Map.of("greeting", "hello")))
                        .status())
                .isEqualTo(200);
        String v2 = http.newestVersion("shop,prod");
        try (ConsoleBrowser b = new ConsoleBrowser(port, 1280, 800);
                ZooKeeper instances = TestClients.connect(server.clientPortNumber())) {
            instances.create("/services", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            CountDownLatch created = new CountDownLatch(400);
            AtomicLong failed = new AtomicLong();
            AsyncCallback.StringCallback ignore = (rc, path, ctx, name) -> {
                if (rc != 0) {
                    failed.incrementAndGet();
                }
                created.countDown();
            };
            for (int i = 1; i <= 200; i++) {
                String service = String.format("svc-%03d-%s", i, i % 3 == 0 ? "inventory" : "orders");
                instances.create(
                        "/services/" + service,
                        new byte[0],
                        ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT,
                        ignore,
                        null);
                String id = "i-" + i + "-5f1c2a9e-7d44-4c1b-9a55-1d2e3f4a5b6c";
                String json = "{\"name\":\"" + service + "\",\"id\":\"" + id + "\",\"address\":\"10.20." + (i / 250)
                        + "."
                        + (i % 250) + "\",\"port\":8080,\"payload\":{\"metadata\":{\"zone\":\"eu-west-" + (i % 3 + 1)
                        + "\",\"weight\":\"" + (1 + i % 4) + "\",\"version\":\"2.14." + i + "\",\"team\":\"platform-"
                        + "checkout-and-fulfilment\",\"config.shop,prod\":\"" + (i % 5 == 0 ? v1 : v2)
                        + "\"}},\"registrationTimeUTC\":"
                        + System.currentTimeMillis() + "}";
                instances.create(
                        "/services/" + service + "/" + id,
                        json.getBytes(StandardCharsets.UTF_8),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.EPHEMERAL,
                        ignore,
                        null);
            }
            assertThat(created.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(failed.get()).isZero();

            Http.Response out = http.put(
                    "/api/services/svc-002-orders/i-2-5f1c2a9e-7d44-4c1b-9a55-1d2e3f4a5b6c/override",
                    Map.of("enabled", false));
            assertThat(out.status()).as(out.body()).isEqualTo(200);

            b.open("#/services");
            b.signIn("admin", "live-pw");
            b.textIn("#services-summary", "200 services, 200 instances, 1 out of rotation");
            b.wait.until(d -> !d.findElement(By.id("message")).isDisplayed()); // the sign-in note goes
            b.settled();
            // per instance: session alive, zone, weight, metadata, uptime, the configuration version it runs
            String row = b.text("tbody.svc[data-name='svc-007-orders'] tr[data-text]");
            assertThat(row).contains("alive", "eu-west-2", "version=2.14.7", "shop,prod v2", "s");
            assertThat(b.text("tbody.svc[data-name='svc-005-orders'] tr[data-text]"))
                    .contains("shop,prod v1 behind");
            b.textIn("tbody.svc[data-name='svc-002-orders'] tr.out", "out of rotation");
            assertThat(b.driver.findElements(By.cssSelector("tbody.svc"))).hasSize(200);
            Object overflow =
                    b.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(((Number) overflow).longValue())
                    .as("horizontal overflow in px")
                    .isLessThanOrEqualTo(0);
            b.screenshot("7-services-200");

            // search and filter
            b.type("#service-filter", "svc-007");
            b.wait.until(d ->
                    d.findElements(By.cssSelector("tbody.svc:not([hidden])")).size() == 1);
            b.type("#service-filter", " ");
            b.wait.until(d ->
                    d.findElements(By.cssSelector("tbody.svc:not([hidden])")).size() == 200);
            b.click(By.cssSelector("#state-filter option[value='behind']"));
            b.wait.until(d ->
                    d.findElements(By.cssSelector("tbody.svc:not([hidden])")).size() == 40);
            b.click(By.cssSelector("#state-filter option[value='']"));
            b.click(By.cssSelector("#zone-filter option[value='eu-west-1']"));
            b.wait.until(d ->
                    d.findElements(By.cssSelector("tbody.svc:not([hidden])")).size() == 66);
            Object stillFits =
                    b.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(((Number) stillFits).longValue()).isLessThanOrEqualTo(0);
        }
    }
}
