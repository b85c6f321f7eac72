package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.config.format.gray.GrayRelease;
import io.coordinator.server.app.TestClients;
import io.coordinator.server.ops.ServerHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Gray releases through the REST API on a real server: the release is a znode instances can read (and anonymous
 * wire clients cannot), the state shows which registered instance it selects and what each reports to run, a
 * percentage keeps its subset when widened, promote publishes the change as a new version and ends the release in
 * one step, abort leaves main untouched, every step is in the gray history, and bad requests change nothing.
 */
class ConfigGrayTest {
    @TempDir
    static Path dir;

    static ConfigurableApplicationContext app;
    static Http admin;
    static Http alice;
    static Http viewer;
    static ZooKeeper zk;

    @BeforeAll
    static void start() throws Exception {
        app = StandaloneApp.start(dir, ConfigTransferTest.USERS);
        admin = StandaloneApp.http(app, "admin", "admin-pw");
        alice = StandaloneApp.http(app, "alice", "alice-pw");
        viewer = StandaloneApp.http(app, "viewer", "view");
        zk = TestClients.connect(app.getBean(ServerHandle.class).clientPortNumber());
        zk.addAuthInfo("digest", "admin:admin-pw".getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() throws Exception {
        zk.close();
        app.close();
    }

    private static Map<String, Object> gray(Map<String, String> properties, Map<String, Object> selector) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("properties", properties);
        body.put("selector", selector);
        body.put("comment", "try it");
        return body;
    }

    /** A registration as the starter writes it, reading {@code context} at {@code zxid}. */
    private static void register(String service, String id, String zone, Map<String, String> metadata)
            throws Exception {
        for (String p : List.of("/services", "/services/" + service)) {
            try {
                zk.create(p, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException made) {
                // by another test
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("zone", zone);
        String json = Http.JSON.writeValueAsString(Map.of(
                "name",
                service,
                "id",
                id,
                "address",
                "10.0.0." + (id.hashCode() & 0x7f),
                "port",
                8080,
                "payload",
                Map.of("metadata", meta)));
        zk.create(
                "/services/" + service + "/" + id,
                json.getBytes(StandardCharsets.UTF_8),
                ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.EPHEMERAL);
    }

    private static List<String> actions(String context) {
        List<String> out = new ArrayList<>();
        admin.get("/api/config/" + context + "/gray/history")
                .json()
                .forEach(e -> out.add(
                        e.path("action").asString() + " by " + e.path("author").asString()));
        return out;
    }

    @Test
    void aLabelReleaseSelectsTheLabelledInstanceAndPromoteMakesItMain() throws Exception {
        assertThat(admin.put(
                                "/api/config/shop",
                                Map.of("properties", Map.of("price", "10", "name", "Corner", "old", "x")))
                        .status())
                .isEqualTo(200);
        register("shop", "shop-1", "eu-1", Map.of("config.shop", "0x1", "canary", "true", "gray.shop", "unknown"));
        register("shop", "shop-2", "eu-2", Map.of("config.shop", "0x1"));
        register("shop", "shop-3", "eu-1", Map.of("other", "y")); // reads other contexts only

        Http.Response started = alice.post(
                "/api/config/shop/gray",
                gray(
                        Map.of("price", "12", "name", "Corner", "extra", "new"),
                        Map.of("labels", Map.of("canary", "true"))));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        JsonNode s = started.json();
        String release = s.path("release").asString();
        assertThat(s.path("set").path("price").asString()).isEqualTo("12");
        assertThat(s.path("set").path("extra").asString()).isEqualTo("new");
        assertThat(s.path("set").has("name")).isFalse(); // unchanged: not part of the release
        assertThat(s.path("remove").get(0).asString()).isEqualTo("old");
        assertThat(s.path("diff").path("changed").path("price").path("to").asString())
                .isEqualTo("12");
        assertThat(s.path("diff").path("removed").has("old")).isTrue();
        assertThat(s.path("author").asString()).isEqualTo("alice");
        // alice may not read the registry, so her answer lists no instance; the admin sees every instance reading
        // the context, and which the release selects
        assertThat(s.path("instances").size()).isZero();
        JsonNode instances = admin.get("/api/config/shop/gray").json().path("instances");
        assertThat(instances.size()).isEqualTo(2);
        assertThat(instances.get(0).path("instance").asString()).isEqualTo("shop-1");
        assertThat(instances.get(0).path("selected").asBoolean()).isTrue();
        assertThat(instances.get(0).path("runs").asString()).isEqualTo("unknown"); // reports another release
        assertThat(instances.get(1).path("selected").asBoolean()).isFalse();
        assertThat(instances.get(1).path("runs").asString()).isEqualTo("main");
        assertThat(instances.get(1).path("zone").asString()).isEqualTo("eu-2");

        // the stored release is what instances read; a client without identity cannot
        GrayRelease stored = GrayRelease.decode(zk.getData("/coordinator/gray/shop", false, null));
        assertThat(stored.release()).isEqualTo(release);
        assertThat(stored.selector().labels()).isEqualTo(Map.of("canary", "true"));
        try (ZooKeeper anonymous =
                TestClients.connect(app.getBean(ServerHandle.class).clientPortNumber())) {
            assertThatThrownBy(() -> anonymous.getData("/coordinator/gray/shop", false, null))
                    .isInstanceOf(KeeperException.NoAuthException.class);
        }
        assertThat(viewer.get("/api/config/shop/gray").status()).isEqualTo(200);

        // one release at a time
        assertThat(admin.post("/api/config/shop/gray", gray(Map.of("price", "13"), Map.of("percent", 5)))
                        .status())
                .isEqualTo(409);

        // a main publish meanwhile reaches gray instances for the keys the release leaves alone
        assertThat(admin.put(
                                "/api/config/shop",
                                Map.of("properties", Map.of("price", "10", "name", "Deli", "old", "x")))
                        .status())
                .isEqualTo(200);
        assertThat(GrayRelease.decode(zk.getData("/coordinator/gray/shop", false, null))
                        .applyTo(Map.of("price", "10", "name", "Deli", "old", "x")))
                .isEqualTo(Map.of("price", "12", "name", "Deli", "extra", "new"));

        Http.Response promoted = admin.post("/api/config/shop/gray/promote", Map.of("comment", "looks good"));
        assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
        assertThat(promoted.json().path("comment").asString())
                .isEqualTo("promote gray release " + release + ": looks good");
        Map<String, String> main = new LinkedHashMap<>();
        admin.get("/api/config/shop")
                .json()
                .path("properties")
                .properties()
                .forEach(e -> main.put(e.getKey(), e.getValue().asString()));
        assertThat(main).isEqualTo(Map.of("price", "12", "name", "Deli", "extra", "new"));
        assertThat(zk.exists("/coordinator/gray/shop", false)).isNull();
        assertThat(admin.get("/api/config/shop/gray").status()).isEqualTo(404);
        assertThat(actions("shop")).containsExactly("promote by admin", "start by alice");
    }

    @Test
    void aWidenedPercentageKeepsItsSubsetAndAbortLeavesMainAlone() throws Exception {
        assertThat(admin.put("/api/config/cart", Map.of("properties", Map.of("limit", "5")))
                        .status())
                .isEqualTo(200);
        for (int i = 0; i < 40; i++) {
            register("cart", "cart-" + i, "eu-1", Map.of("config.cart", "0x1"));
        }
        Http.Response started = admin.post("/api/config/cart/gray", gray(Map.of("limit", "6"), Map.of("percent", 20)));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        List<String> twenty = selected(started.json());
        assertThat(twenty).isNotEmpty().hasSizeLessThan(40);
        assertThat(selected(admin.get("/api/config/cart/gray").json())).isEqualTo(twenty); // stable

        Http.Response widened = admin.put("/api/config/cart/gray", gray(Map.of("limit", "6"), Map.of("percent", 60)));
        assertThat(widened.status()).as(widened.body()).isEqualTo(200);
        assertThat(widened.json().path("release").asString())
                .isEqualTo(started.json().path("release").asString());
        assertThat(selected(widened.json())).containsAll(twenty).hasSizeGreaterThan(twenty.size());

        Http.Response aborted = admin.post("/api/config/cart/gray/abort", Map.of("comment", "not now"));
        assertThat(aborted.status()).as(aborted.body()).isEqualTo(200);
        assertThat(admin.get("/api/config/cart")
                        .json()
                        .path("properties")
                        .path("limit")
                        .asString())
                .isEqualTo("5");
        assertThat(admin.get("/api/config/cart/history").json().size()).isEqualTo(1); // no new version
        assertThat(zk.exists("/coordinator/gray/cart", false)).isNull();
        assertThat(actions("cart")).containsExactly("abort by admin", "update by admin", "start by admin");
        JsonNode abortEvent = admin.get("/api/config/cart/gray/history").json().get(0);
        assertThat(abortEvent.path("comment").asString()).isEqualTo("not now");
        assertThat(abortEvent.path("selector").path("percent").asInt()).isEqualTo(60);
        assertThat(admin.post("/api/config/cart/gray/abort", Map.of()).status()).isEqualTo(404);
    }

    private static List<String> selected(JsonNode state) {
        List<String> out = new ArrayList<>();
        state.path("instances").forEach(i -> {
            if (i.path("selected").asBoolean()) {
                out.add(i.path("instance").asString());
            }
        });
        return out;
    }

    @Test
    void badRequestsAreRefusedSayingWhyAndChangeNothing() throws Exception {
        assertThat(admin.put("/api/config/inv", Map.of("properties", Map.of("a", "1")))
                        .status())
                .isEqualTo(200);
        Map<String, Object> byId = Map.of("instances", List.of("inv-1"));
        assertRefused(admin.post("/api/config/inv/gray", gray(Map.of("a", "2"), Map.of())), 400, "selector");
        assertRefused(admin.post("/api/config/inv/gray", gray(Map.of("a", "1"), byId)), 400, "same as its main");
        assertRefused(
                admin.post("/api/config/inv/gray", gray(Map.of("a", "2"), Map.of("percent", 101))),
                400,
                "between 0 and 100");
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("document", Map.of("format", "yaml", "text", "a: 1\nb: [unclosed\n"));
        yaml.put("selector", byId);
        assertRefused(admin.post("/api/config/inv/gray", yaml), 400, "line");
        assertRefused(admin.post("/api/config/nothing-here/gray", gray(Map.of("a", "2"), byId)), 404, "publish");
        assertRefused(viewer.post("/api/config/inv/gray", gray(Map.of("a", "2"), byId)), 403, "");
        assertRefused(alice.post("/api/config/inv/gray", gray(Map.of("a", "2"), byId)), 403, "");
        assertRefused(admin.post("/api/config/inv/gray/promote", Map.of()), 404, "no gray release");
        assertThat(zk.exists("/coordinator/gray/inv", false)).isNull();
        assertThat(admin.get("/api/config/inv/gray/history").json().size()).isZero();

        // a YAML document is a valid gray version too
        yaml.put("document", Map.of("format", "yaml", "text", "a: 2\nb:\n  c: 3\n"));
        Http.Response ok = admin.post("/api/config/inv/gray", yaml);
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(ok.json().path("set").path("b.c").asString()).isEqualTo("3");
    }

    private static void assertRefused(Http.Response r, int status, String saying) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).contains(saying);
    }
}
