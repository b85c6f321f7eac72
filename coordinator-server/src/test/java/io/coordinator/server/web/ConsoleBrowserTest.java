package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.config.format.crypto.ConfigKeys;
import io.coordinator.config.format.crypto.EncryptedValue;
import io.coordinator.server.StandaloneAppTest;
import io.coordinator.server.StandaloneTestProperties;
import io.coordinator.server.app.TestClients;
import io.coordinator.testsupport.ConsoleBrowser;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console end to end in headless Chromium against a real server (Spring app on random ports): cluster overview,
 * sign-in, znode browse/create/edit (including a refused stale edit)/delete, configuration publish with a diff,
 * rollback, and a service instance appearing and vanishing live. Screenshots go to target/console-screenshots/;
 * the browser and its waits are {@link ConsoleBrowser}'s.
 */
class ConsoleBrowserTest extends StandaloneAppTest {
    static final KeyPair SHOP = ConfigKeys.generate();
    static final String SECRET = "hunter2-in-the-console";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        StandaloneTestProperties.register(r, "coordinator-console");
        StandaloneTestProperties.user(r, "admin", "console-pw", "ADMIN");
        StandaloneTestProperties.user(r, "alice", "alice-pw");
        StandaloneTestProperties.grant(r, "alice", 0, "context", "shop,*", "read,publish");
        r.add(
                "coordinator.web.encryption.public-keys.shop",
                () -> ConfigKeys.publicKey("shop-console", SHOP).text());
        // wire identities: the test's own client reads as the admin, and alice's grants hold on the wire too
        StandaloneTestProperties.wireDigest(r, "admin", "console-pw");
        StandaloneTestProperties.wireDigest(r, "alice", "alice-pw");
    }

    ConsoleBrowser browser;
    WebDriver driver;
    WebDriverWait wait;
    ZooKeeper zk;

    @BeforeEach
    void browser() throws Exception {
        browser = new ConsoleBrowser(port, 1280, 900);
        driver = browser.driver;
        wait = browser.wait;
        zk = connect();
        zk.addAuthInfo("digest", "admin:console-pw".getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void close() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    void screenshot(String name) throws Exception {
        browser.screenshot(name);
    }

    void open(String hash) {
        browser.open(hash);
    }

    void settled() {
        browser.settled();
    }

    void textIn(String css, String text) {
        browser.textIn(css, text);
    }

    void click(By by) {
        browser.click(by);
    }

    void click(String css) {
        browser.click(css);
    }

    void type(String css, String text) {
        browser.type(css, text);
    }

    String value(String css) {
        return browser.value(css);
    }

    void acceptConfirm() {
        browser.acceptConfirm();
    }

    int historyRows() {
        return driver.findElements(By.cssSelector("#history tbody tr")).size();
    }

    @Test
    void operatorJourney() throws Exception {
        // closed by default: nothing is shown before signing in, and the console says so
        open("#/cluster");
        textIn("#message", "Sign in to see and change anything here");
        textIn("#who", "not signed in");
        assertThat(driver.findElements(By.id("c-role"))).isEmpty();
        type("#login-user", "admin");
        type("#login-password", "wrong-pw");
        click("#login-form button");
        textIn("#message", "Wrong user or password");

        // sign in, and the view that was refused renders
        type("#login-user", "admin");
        type("#login-password", "console-pw");
        click("#login-form button");
        textIn("#who", "signed in as admin");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("login-form")));

        // cluster overview
        textIn("#c-role", "standalone");
        textIn("#c-health", "ready");
        textIn("#c-server", "0");
        screenshot("1-cluster");

        // znodes: browse, create, JSON view, edit with the version check, delete with confirmation
        open("#/znodes/");
        textIn("#children", "zookeeper");
        type("#create-name", "console-node");
        type("#create-data", "{\"color\": \"blue\", \"size\": 3}");
        click("#create-form button");
        textIn("#children", "console-node");
        assertThat(new String(zk.getData("/console-node", false, null), StandardCharsets.UTF_8))
                .contains("blue");
        click(By.linkText("console-node"));
        textIn("#crumbs", "console-node");
        textIn("#data", "\"color\"");
        settled();
        assertThat(driver.findElements(By.cssSelector("#data .j-key"))).hasSize(2);
        click("#edit");
        type("#edit-data", "{\"color\": \"green\"}");
        click("#save");
        textIn("#data", "green");
        textIn("#stat", "version 1");
        assertThat(new String(zk.getData("/console-node", false, null), StandardCharsets.UTF_8))
                .contains("green");
        screenshot("2-znode");

        // an edit based on a version someone else has since replaced is refused, not applied
        settled();
        click("#edit");
        zk.setData("/console-node", "{\"color\": \"red\"}".getBytes(StandardCharsets.UTF_8), 1);
        type("#edit-data", "{\"color\": \"stale\"}");
        click("#save");
        textIn("#message", "changed /console-node meanwhile");
        assertThat(new String(zk.getData("/console-node", false, null), StandardCharsets.UTF_8))
                .contains("red");
        driver.navigate().refresh();
        settled();
        textIn("#data", "red");
        textIn("#stat", "version 2");
        click("#delete");
        acceptConfirm();
        wait.until(d -> d.getCurrentUrl().endsWith("#/znodes/"));
        wait.until(d -> !d.findElement(By.id("children")).getText().contains("console-node"));
        assertThat(zk.exists("/console-node", false)).isNull();

        // configuration: publish twice with a diff preview, then roll back to the first
        open("#/config/shop,prod");
        type("#config-text", "greeting=hello\npool.size=5");
        type("#config-comment", "first");
        click("#preview");
        textIn("#config-diff", "+ greeting=hello");
        click("#publish");
        wait.until(d -> historyRows() == 1);
        settled();
        assertThat(value("#config-text")).isEqualTo("greeting=hello\npool.size=5");
        type("#config-text", "greeting=hi\npool.size=5");
        click("#preview");
        textIn("#config-diff", "greeting: hello → hi");
        click("#publish");
        wait.until(d -> historyRows() == 2);
        settled();
        assertThat(new String(zk.getData("/config/shop,prod/greeting", false, null), StandardCharsets.UTF_8))
                .isEqualTo("hi");
        click(By.cssSelector("#history [data-rollback='1']"));
        acceptConfirm();
        wait.until(d -> historyRows() == 3);
        wait.until(
                d -> d.findElement(By.id("config-text")).getDomProperty("value").contains("greeting=hello"));
        textIn("#history", "rollback of v1");
        assertThat(new String(zk.getData("/config/shop,prod/greeting", false, null), StandardCharsets.UTF_8))
                .isEqualTo("hello");
        settled();
        click(By.cssSelector("#history [data-diff='2']"));
        textIn("#history-diff", "greeting: hi → hello");
        screenshot("3-config");

        // services: an instance appears and vanishes without a page load (server-sent events)
        open("#/services");
        wait.until(d -> "on".equals(d.findElement(By.tagName("body")).getDomAttribute("data-live")));
        ((JavascriptExecutor) driver).executeScript("window.sameDocument = true;");
        zk.create("/services", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/services/orders", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ZooKeeper instance = connect();
        instance.create(
                "/services/orders/i-42",
                ("{\"name\":\"orders\",\"id\":\"i-42\",\"address\":\"10.1.2.3\","
                                + "\"port\":8081,\"payload\":{\"metadata\":{\"zone\":\"eu-1\",\"weight\":\"3\"}},"
                                + "\"registrationTimeUTC\":1700000000000}")
                        .getBytes(StandardCharsets.UTF_8),
                ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.EPHEMERAL);
        textIn("main", "i-42");
        textIn("main", "10.1.2.3:8081");
        textIn("main", "eu-1");
        settled();
        // filter: by metadata it stays, by something no instance has the service goes
        type("#service-filter", "zone=eu-1");
        assertThat(driver.findElement(By.cssSelector("tbody.svc")).isDisplayed())
                .isTrue();
        type("#service-filter", "no-such-instance");
        wait.until(d -> !d.findElement(By.cssSelector("tbody.svc")).isDisplayed());
        type("#service-filter", " "); // blank: everything (clearing alone sends no input event)
        wait.until(d -> d.findElement(By.cssSelector("tbody.svc")).isDisplayed());
        // out of rotation and back: the override discovery reads, the instance itself untouched
        click(By.cssSelector("[data-rotate='out'][data-id='i-42']"));
        textIn("tr.out", "out of rotation");
        assertThat(new String(zk.getData("/coordinator/instances/orders/i-42", false, null), StandardCharsets.UTF_8))
                .contains("\"enabled\":false");
        settled();
        screenshot("4-services");
        click(By.cssSelector("[data-rotate='in'][data-id='i-42']"));
        wait.until(d -> d.findElements(By.cssSelector("tr.out")).isEmpty());
        wait.until(d -> {
            try {
                return zk.exists("/coordinator/instances/orders/i-42", false) == null;
            } catch (Exception e) {
                return false;
            }
        });
        instance.close(); // the session ends, its ephemeral goes
        wait.until(d -> !d.findElement(By.tagName("main")).getText().contains("i-42"));
        assertThat(((JavascriptExecutor) driver).executeScript("return window.sameDocument === true;"))
                .as("no page load in between")
                .isEqualTo(true);

        // the listener query: an instance that reports the context's latest version shows as current
        String latest = new Http(port, "admin", "console-pw").newestVersion("shop,prod");
        try (ZooKeeper runner = connect()) {
            runner.create(
                    "/services/orders/i-43",
                    ("{\"name\":\"orders\",\"id\":\"i-43\",\"address\":\"10.1.2.4\",\"port\":8081,"
                                    + "\"payload\":{\"metadata\":{\"config.shop,prod\":\"" + latest + "\"}}}")
                            .getBytes(StandardCharsets.UTF_8),
                    ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.EPHEMERAL);
            open("#/config/shop,prod");
            textIn("#listeners", "i-43");
            textIn("#listeners", "current");
        }
    }

    /** A user granted {@code shop,*}: sees and publishes shop's contexts only; billing's is refused by name. */
    @Test
    void aUserSeesAndChangesOnlyTheContextsGrantedToThem() throws Exception {
        for (String path : List.of("/config", "/config/shop,qa")) {
            if (zk.exists(path, false) == null) {
                zk.create(path, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
        }
        Http.Response billing = new Http(port, "admin", "console-pw")
                .put("/api/config/billing,qa", Map.of("properties", Map.of("rate", "1")));
        assertThat(billing.status()).as(billing.body()).isEqualTo(200);
        open("#/config");
        type("#login-user", "alice");
        type("#login-password", "alice-pw");
        click("#login-form button");
        textIn("#who", "signed in as alice");
        textIn("main", "shop,qa");
        settled();
        assertThat(driver.findElement(By.tagName("main")).getText()).doesNotContain("billing,qa");

        open("#/config/shop,qa");
        type("#config-text", "greeting=hello");
        // a secret, encrypted by the server for the key id's applications, into the text
        type("#encrypt-name", "db.password");
        type("#encrypt-value", SECRET);
        click("#encrypt");
        wait.until(d -> value("#config-text").contains("db.password={cipher}v1:shop-console:"));
        assertThat(value("#encrypt-value")).isEmpty();
        click("#preview");
        textIn("#config-diff", "+ greeting=hello");
        click("#publish");
        wait.until(d -> historyRows() == 1);
        textIn("#history", "alice");
        textIn("#audit", "publish");
        textIn("#audit", "rest:alice");
        wait.until(d -> value("#config-text").contains("db.password={cipher}v1:shop-console:***"));
        assertThat(driver.getPageSource()).doesNotContain(SECRET);
        try (ZooKeeper aliceOnTheWire = connect()) { // the same identity, the same answers
            aliceOnTheWire.addAuthInfo("digest", "alice:alice-pw".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(
                            aliceOnTheWire.getData("/config/shop,qa/greeting", false, null), StandardCharsets.UTF_8))
                    .isEqualTo("hello");
            String stored = new String(
                    aliceOnTheWire.getData("/config/shop,qa/db.password", false, null), StandardCharsets.UTF_8);
            assertThat(stored).startsWith("{cipher}v1:shop-console:").doesNotContain(SECRET);
            assertThat(EncryptedValue.decrypt(
                            stored,
                            id -> id.equals("shop-console") ? ConfigKeys.privateKey("shop-console", SHOP) : null,
                            "test"))
                    .isEqualTo(SECRET);
            assertThatThrownBy(() -> aliceOnTheWire.getData("/config/billing,qa/rate", false, null))
                    .isInstanceOf(KeeperException.NoAuthException.class);
        }

        open("#/config/billing,qa");
        textIn("#config-refused", "User 'alice' may not read configuration context billing,qa");
        assertThat(driver.findElements(By.id("config-text"))).isEmpty();
        screenshot("5-config-refused");
    }

    ZooKeeper connect() throws Exception {
        return TestClients.connect(server.clientPortNumber());
    }
}
