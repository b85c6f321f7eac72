package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.StandaloneAppTest;
import io.coordinator.server.StandaloneTestProperties;
import io.coordinator.server.app.TestClients;
import io.coordinator.testsupport.ConsoleBrowser;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gray release flow in the console, in headless Chromium against a real server: start a release from the edited
 * text for the instances labelled {@code canary=true}, watch the instances per version change live as the selected
 * instance reports the release (its registration is rewritten, as the starter does), promote it, and see the new
 * main version and the gray history. Screenshot: {@code 8-gray-release.png}.
 */
class ConsoleGrayBrowserTest extends StandaloneAppTest {
    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        StandaloneTestProperties.register(r, "coordinator-console-gray");
        StandaloneTestProperties.user(r, "admin", "gray-pw", "ADMIN");
        StandaloneTestProperties.wireDigest(r, "admin", "gray-pw");
    }

    private static byte[] registration(String id, String zxid, Map<String, String> extra) {
        Map<String, String> metadata = new LinkedHashMap<>(extra);
        metadata.put("config.shop", zxid);
        metadata.put("zone", "eu-1");
        return Http.JSON
                .writeValueAsString(Map.of(
                        "name",
                        "shop",
                        "id",
                        id,
                        "address",
                        "10.0.0." + id.charAt(id.length() - 1),
                        "port",
                        8080,
                        "payload",
                        Map.of("metadata", metadata)))
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void startWatchAndPromoteAGrayRelease() throws Exception {
        Http admin = new Http(port, "admin", "gray-pw");
        Http.Response main =
                admin.put("/api/config/shop", Map.of("properties", Map.of("price", "10", "name", "Corner")));
        assertThat(main.status()).as(main.body()).isEqualTo(200);
        String v1 = main.json().path("zxid").asString();
        try (ConsoleBrowser b = new ConsoleBrowser(port, 1280, 1000);
                ZooKeeper fleet = TestClients.connect(server.clientPortNumber())) {
            fleet.addAuthInfo("digest", "admin:gray-pw".getBytes(StandardCharsets.UTF_8));
            fleet.create("/services", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            fleet.create("/services/shop", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (String id : List.of("shop-1", "shop-2", "shop-3", "shop-4")) {
                fleet.create(
                        "/services/shop/" + id,
                        registration(id, v1, id.equals("shop-2") ? Map.of("canary", "true") : Map.of()),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.EPHEMERAL);
            }

            b.open("#/config/shop");
            b.signIn("admin", "gray-pw");
            b.textIn("#gray-form", "Send the text above to some instances only");
            b.type("#config-text", "name=Corner\nprice=12");
            b.type("#gray-labels", "canary=true");
            b.type("#config-comment", "new price for the canary");
            b.click("#gray-start");
            b.textIn("#gray", "labels canary=true");
            b.textIn("#gray-diff", "price: 10 → 12");
            b.textIn("#gray-counts", "1 of 4 selected");
            b.textIn("#gray-counts", "0 on gray");
            String release =
                    admin.get("/api/config/shop/gray").json().path("release").asString();
            assertThat(b.driver
                            .findElement(By.cssSelector("#gray-instances tr[data-instance='shop-2']"))
                            .getText())
                    .contains("yes");

            // the canary applies it and says so in its registration: the view follows live
            fleet.setData(
                    "/services/shop/shop-2",
                    registration("shop-2", v1, Map.of("canary", "true", "gray.shop", release)),
                    -1);
            b.textIn("#gray-counts", "1 on gray");
            b.textIn("#gray-instances tr[data-instance='shop-2']", "gray");
            b.settled();
            b.screenshot("8-gray-release");

            b.type("#gray-comment", "canary is fine");
            b.click("#gray-promote");
            b.acceptConfirm();
            b.textIn("#gray-history", "promote");
            b.textIn("#gray-history", "start");
            b.textIn("#history", "promote gray release " + release + ": canary is fine");
            assertThat(admin.get("/api/config/shop")
                            .json()
                            .path("properties")
                            .path("price")
                            .asString())
                    .isEqualTo("12");
            assertThat(b.driver.findElements(By.id("gray"))).isEmpty();
        }
    }
}
