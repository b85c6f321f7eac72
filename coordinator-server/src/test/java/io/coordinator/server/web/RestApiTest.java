package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.StandaloneAppTest;
import io.coordinator.server.StandaloneTestProperties;
import io.coordinator.server.app.TestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The REST API against a running standalone server (random HTTP and client ports, temp data dir): every znode
 * operation and its error mapping, services, configuration publish/history/diff/rollback, cluster status and
 * authentication.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiTest extends StandaloneAppTest {
    static Path dataDir;
    static final String ADMIN_PW = "s3cret-admin";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        dataDir = StandaloneTestProperties.register(r, "coordinator-rest");
        r.add("coordinator.web.users.admin.password", () -> "{bcrypt}" + new BCryptPasswordEncoder().encode(ADMIN_PW));
        r.add("coordinator.web.users.admin.role", () -> "ADMIN");
        // the test's wire client checks what REST wrote, as the admin (configuration is closed to anonymous ones)
        StandaloneTestProperties.wireDigest(r, "admin", ADMIN_PW);
        StandaloneTestProperties.user(r, "viewer", "view", "READ_ONLY");
        r.add("coordinator.web.zk-identity", () -> "rest:rest-pw");
        r.add("coordinator.web.max-data-bytes", () -> "4096");
        r.add("coordinator.web.history-retention", () -> "3");
    }

    Http anon;
    Http admin;
    Http viewer;
    ZooKeeper zk;

    @BeforeAll
    void connect() throws Exception {
        zk = TestClients.connect(server.clientPortNumber());
        zk.addAuthInfo("digest", ("admin:" + ADMIN_PW).getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    void close() throws Exception {
        zk.close();
    }

    @BeforeEach
    void clients() {
        anon = new Http(port, null, null);
        admin = anon.as("admin", ADMIN_PW);
        viewer = anon.as("viewer", "view");
    }

    private static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static void assertProblem(Http.Response r, int status, String zkError) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode j = r.json();
        assertThat(j.path("status").asInt()).isEqualTo(status);
        assertThat(j.path("title").asString()).isNotBlank();
        if (zkError != null) {
            assertThat(j.path("zkError").asString()).isEqualTo(zkError);
        }
    }

    // ---------------------------------------------------------------- znodes

    /** The listener query: which registered instance runs which published version of a context. */
    @Test
    void instancesReportWhichVersionOfAContextTheyRun() throws Exception {
        Http.Response v1 = admin.put("/api/config/lst-app", body("properties", Map.of("k", "1")));
        assertThat(v1.status()).as(v1.body()).isEqualTo(200);
        String v1Zxid = v1.json().path("zxid").asString();
        if (zk.exists("/services", false) == null) { // another test may have made it
            zk.create("/services", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        zk.create("/services/lst-app", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (String[] inst : List.of(new String[] {"a", v1Zxid}, new String[] {"b", "0x1"})) {
            zk.create(
                    "/services/lst-app/" + inst[0],
                    ("{\"name\":\"lst-app\",\"id\":\"" + inst[0] + "\",\"address\":\"10.0.0.9\",\"port\":81,"
                                    + "\"payload\":{\"metadata\":{\"config.lst-app\":\"" + inst[1] + "\"}}}")
                            .getBytes(StandardCharsets.UTF_8),
                    ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.EPHEMERAL);
        }
        JsonNode listeners = viewer.get("/api/config/lst-app/instances").json();
        assertThat(listeners.size()).isEqualTo(2);
        assertThat(listeners.get(0).path("instance").asString()).isEqualTo("a");
        assertThat(listeners.get(0).path("version").asInt()).isEqualTo(1);
        assertThat(listeners.get(0).path("current").asBoolean()).isTrue();
        assertThat(listeners.get(0).path("address").asString()).isEqualTo("10.0.0.9:81");
        assertThat(listeners.get(1).path("version").isNull()).isTrue(); // read before the first publish
        assertThat(listeners.get(1).path("current").asBoolean()).isFalse();

        assertThat(admin.put("/api/config/lst-app", body("properties", Map.of("k", "2")))
                        .status())
                .isEqualTo(200);
        JsonNode after = viewer.get("/api/config/lst-app/instances").json();
        assertThat(after.get(0).path("version").asInt()).isEqualTo(1);
        assertThat(after.get(0).path("current").asBoolean()).isFalse(); // v2 exists, it has not read it
    }

    /** An operator takes an instance out of rotation and changes its weight; applications read the override. */
    @Test
    void instanceOverridesAreWrittenWhereDiscoveryReadsThem() throws Exception {
        if (zk.exists("/services", false) == null) { // another test may have made it
            zk.create("/services", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        zk.create("/services/ov-svc", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(
                "/services/ov-svc/i-1",
                "{\"name\":\"ov-svc\",\"id\":\"i-1\",\"address\":\"10.0.0.1\",\"port\":80}"
                        .getBytes(StandardCharsets.UTF_8),
                ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.EPHEMERAL);

        assertThat(viewer.put("/api/services/ov-svc/i-1/override", body("enabled", false))
                        .status())
                .isEqualTo(403);
        assertThat(admin.put("/api/services/ov-svc/i-1/override", body("weight", 0))
                        .status())
                .isEqualTo(400);
        Http.Response out = admin.put("/api/services/ov-svc/i-1/override", body("enabled", false));
        assertThat(out.status()).as(out.body()).isEqualTo(200);
        assertThat(out.json().path("author").asString()).isEqualTo("admin");

        JsonNode service = viewer.get("/api/services/ov-svc").json();
        assertThat(service.path("overrides").path("i-1").path("enabled").asBoolean(true))
                .isFalse();
        try (ZooKeeper app = TestClients.connect(server.clientPortNumber())) { // any application reads it
            JsonNode stored = Http.JSON.readTree(app.getData("/coordinator/instances/ov-svc/i-1", false, null));
            assertThat(stored.path("enabled").asBoolean(true)).isFalse();
            assertThatThrownBy(() -> app.setData("/coordinator/instances/ov-svc/i-1", new byte[0], -1))
                    .isInstanceOf(KeeperException.NoAuthException.class);
        }
        assertThat(admin.put("/api/services/ov-svc/i-1/override", body("enabled", true, "weight", 5))
                        .json()
                        .path("weight")
                        .asInt())
                .isEqualTo(5);

        assertThat(admin.delete("/api/services/ov-svc/i-1/override").status()).isEqualTo(204);
        assertThat(zk.exists("/coordinator/instances/ov-svc/i-1", false)).isNull();
        assertThat(zk.exists("/services/ov-svc/i-1", false))
                .as("the instance itself untouched")
                .isNotNull();
    }

    @Test
    void createReadListUpdateDelete() throws Exception {
        Http.Response created = admin.post("/api/znodes/crud", body("data", "hello"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/znodes/crud");
        assertThat(created.json().path("stat").path("version").asInt()).isZero();
        assertThat(new String(zk.getData("/crud", false, null), StandardCharsets.UTF_8))
                .isEqualTo("hello");

        assertThat(admin.post("/api/znodes/crud/a", body("data", "1")).status()).isEqualTo(201);
        assertThat(admin.post("/api/znodes/crud/b", null).status()).isEqualTo(201);

        Http.Response read = viewer.get("/api/znodes/crud?children=true&acl=true");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.header("ETag")).isEqualTo("\"0\"");
        JsonNode j = read.json();
        assertThat(j.path("path").asString()).isEqualTo("/crud");
        assertThat(j.path("data").asString()).isEqualTo("hello");
        assertThat(j.path("encoding").asString()).isEqualTo("utf8");
        assertThat(j.path("stat").path("numChildren").asInt()).isEqualTo(2);
        assertThat(j.path("children").toString()).isEqualTo("[\"a\",\"b\"]");
        // without an ACL in the request: the grants' (the REST identity and the admin's wire digest), the digests
        // shown to the viewer as ZooKeeper shows them to a client without ADMIN
        assertThat(j.path("acl").toString())
                .isEqualTo("[{\"scheme\":\"digest\",\"id\":\"rest:x\",\"perms\":\"cdrwa\"},"
                        + "{\"scheme\":\"digest\",\"id\":\"admin:x\",\"perms\":\"cdrwa\"}]");
        assertThat(admin.get("/api/znodes/crud?acl=true")
                        .json()
                        .path("acl")
                        .get(1)
                        .path("id")
                        .asString())
                .isEqualTo(WireDigest.of("admin:" + ADMIN_PW));

        Http.Response updated = admin.put("/api/znodes/crud", body("data", "v2", "version", 0));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().path("stat").path("version").asInt()).isEqualTo(1);
        assertThat(updated.header("ETag")).isEqualTo("\"1\"");
        Http.Response unconditional = admin.put("/api/znodes/crud", body("data", "v3"));
        assertThat(unconditional.json().path("stat").path("version").asInt()).isEqualTo(2);

        assertThat(admin.delete("/api/znodes/crud/a?version=0").status()).isEqualTo(204);
        assertThat(admin.delete("/api/znodes/crud/b").status()).isEqualTo(204);
        assertThat(admin.delete("/api/znodes/crud", "If-Match", "\"2\"").status())
                .isEqualTo(204);
        assertThat(zk.exists("/crud", false)).isNull();
    }

    @Test
    void rootAndBinaryData() throws Exception {
        Http.Response root = viewer.get("/api/znodes?children=true");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.json().path("path").asString()).isEqualTo("/");
        assertThat(root.json().path("children").toString()).contains("zookeeper");

        byte[] bin = {(byte) 0xff, 0, (byte) 0xfe};
        String b64 = Base64.getEncoder().encodeToString(bin);
        assertThat(admin.post("/api/znodes/bin", body("data", b64, "encoding", "base64"))
                        .status())
                .isEqualTo(201);
        assertThat(zk.getData("/bin", false, null)).isEqualTo(bin);
        JsonNode j = viewer.get("/api/znodes/bin").json();
        assertThat(j.path("encoding").asString()).isEqualTo("base64");
        assertThat(j.path("data").asString()).isEqualTo(b64);
        assertProblem(admin.post("/api/znodes/bin2", body("data", "%%%", "encoding", "base64")), 400, null);
        assertProblem(admin.post("/api/znodes/bin2", body("data", "x", "encoding", "latin1")), 400, null);
    }

    @Test
    void sequentialContainerAndTtlModes() throws Exception {
        admin.post("/api/znodes/modes", null);
        Http.Response seq = admin.post("/api/znodes/modes/item-", body("mode", "persistent_sequential"));
        assertThat(seq.status()).isEqualTo(201);
        assertThat(seq.json().path("path").asString()).matches("/modes/item-\\d{10}");
        assertThat(seq.header("Location"))
                .isEqualTo("/api/znodes" + seq.json().path("path").asString());
        assertThat(admin.post("/api/znodes/modes/box", body("mode", "container"))
                        .status())
                .isEqualTo(201);
        assertThat(zk.exists("/modes/box", false)).isNotNull();
        assertProblem(admin.post("/api/znodes/modes/eph", body("mode", "ephemeral")), 400, null);
        assertProblem(admin.post("/api/znodes/modes/x", body("mode", "sideways")), 400, null);
        assertProblem(admin.post("/api/znodes/modes/ttl", body("mode", "persistent_with_ttl")), 400, null);
    }

    @Test
    void zooKeeperErrorsMapToHttpStatuses() throws Exception {
        assertProblem(viewer.get("/api/znodes/missing/node"), 404, "NONODE");
        assertThat(viewer.get("/api/znodes/missing/node").json().path("path").asString())
                .isEqualTo("/missing/node");
        assertProblem(admin.put("/api/znodes/missing", body("data", "x")), 404, "NONODE");
        assertProblem(admin.delete("/api/znodes/missing"), 404, "NONODE");
        assertProblem(admin.post("/api/znodes/no/parent", null), 404, "NONODE");

        admin.post("/api/znodes/errs", body("data", "x"));
        assertProblem(admin.post("/api/znodes/errs", null), 409, "NODEEXISTS");
        assertProblem(admin.put("/api/znodes/errs", body("data", "y", "version", 7)), 409, "BADVERSION");
        assertProblem(admin.put("/api/znodes/errs", body("data", "y"), "If-Match", "\"7\""), 412, null);
        assertProblem(admin.delete("/api/znodes/errs?version=9"), 409, "BADVERSION");
        assertProblem(admin.delete("/api/znodes/errs", "If-Match", "\"9\""), 412, null);
        assertProblem(admin.put("/api/znodes/errs", body("data", "y"), "If-Match", "not-a-version"), 400, null);

        admin.post("/api/znodes/errs/child", null);
        assertProblem(admin.delete("/api/znodes/errs"), 409, "NOTEMPTY");
        assertThat(zk.exists("/errs", false)).isNotNull();
    }

    @Test
    void aclsStillApplyUnderneath() throws Exception {
        // a znode only "someone-else" may touch: the REST identity gets NOAUTH -> 403
        List<ACL> acl = new java.util.ArrayList<>(List.of(new ACL(
                ZooDefs.Perms.ALL, new Id("digest", DigestAuthenticationProvider.generateDigest("someone-else:pw")))));
        zk.create("/locked", "secret".getBytes(), acl, CreateMode.PERSISTENT);
        assertProblem(viewer.get("/api/znodes/locked"), 403, "NOAUTH");
        assertProblem(admin.put("/api/znodes/locked", body("data", "x")), 403, "NOAUTH");

        // created through REST with an ACL for the REST identity: readable through REST, not by others
        Http.Response r = admin.post(
                "/api/znodes/mine",
                body(
                        "data",
                        "m",
                        "acl",
                        List.of(Map.of(
                                "scheme",
                                "digest",
                                "id",
                                DigestAuthenticationProvider.generateDigest("rest:rest-pw"),
                                "perms",
                                "cdrwa"))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(viewer.get("/api/znodes/mine").json().path("data").asString())
                .isEqualTo("m");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> zk.getData("/mine", false, null))
                .isInstanceOf(org.apache.zookeeper.KeeperException.NoAuthException.class);
        assertProblem(
                admin.post(
                        "/api/znodes/badacl",
                        body("acl", List.of(Map.of("scheme", "world", "id", "anyone", "perms", "xyz")))),
                400,
                null);
        assertProblem(
                admin.post(
                        "/api/znodes/badacl2",
                        body("acl", List.of(Map.of("scheme", "nosuch", "id", "x", "perms", "r")))),
                400,
                "INVALIDACL");
    }

    @Test
    void badInputIsRefusedWithProblems() {
        assertProblem(viewer.get("/api/znodes/trailing/"), 400, null);
        assertProblem(admin.post("/api/znodes/dot/./x", null), 400, null);
        assertProblem(admin.post("/api/znodes/a/../b", null), 400, null);
        assertProblem(admin.post("/api/znodes/a//b", null), 400, null);
        assertThat(admin.post("/api/znodes/nul%00x", null).status()).isEqualTo(400); // Tomcat refuses it itself
        assertProblem(admin.post("/api/znodes/a/seq-", body("mode", "persistent")), 404, "NONODE");
        assertProblem(admin.delete("/api/znodes/"), 400, null);
        // malformed JSON
        Http.Response bad = admin.send("POST", "/api/znodes/json", "{not json");
        assertProblem(bad, 400, null);
        // data over coordinator.web.max-data-bytes (4096 here): 413
        assertProblem(admin.post("/api/znodes/big", body("data", "x".repeat(5000))), 413, null);
        assertProblem(admin.put("/api/znodes/zookeeper", body("data", "y".repeat(4097))), 413, null);
        // a body far over the limit is refused before it is read
        Http.Response huge = admin.send("POST", "/api/znodes/huge", "{\"data\":\"" + "z".repeat(200_000) + "\"}");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.contentType()).startsWith("application/problem+json");
    }

    // ---------------------------------------------------------------- auth

    @Test
    void writesNeedAnAdminReadsAUser() {
        Http.Response noAuth = anon.post("/api/znodes/anon", null);
        assertThat(noAuth.status()).isEqualTo(401);
        assertThat(noAuth.header("WWW-Authenticate")).startsWith("Basic");
        assertThat(noAuth.contentType()).startsWith("application/problem+json");
        assertThat(anon.put("/api/config/app", body("properties", Map.of())).status())
                .isEqualTo(401);
        assertThat(anon.delete("/api/znodes/zookeeper").status()).isEqualTo(401);

        Http.Response wrong = anon.as("admin", "wrong").post("/api/znodes/anon", null);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(anon.as("nobody", "x").get("/api/znodes/").status()).isEqualTo(401);

        Http.Response readOnly = viewer.post("/api/znodes/anon", null);
        assertThat(readOnly.status()).isEqualTo(403);
        assertThat(readOnly.contentType()).startsWith("application/problem+json");
        assertThat(viewer.get("/api/znodes/").status()).isEqualTo(200);
        // closed by default: reads need a user too
        assertThat(anon.get("/api/znodes/").status()).isEqualTo(401);
        assertThat(anon.get("/api/config").status()).isEqualTo(401);
    }

    // ---------------------------------------------------------------- services

    @Test
    void servicesWithTheirInstancesInCuratorFormat() throws Exception {
        assertThat(viewer.get("/api/services").status()).isEqualTo(200);
        if (zk.exists("/services", false) == null) { // another test may have made it
            zk.create("/services", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        zk.create("/services/orders", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        String instance = "{\"name\":\"orders\",\"id\":\"i-1\",\"address\":\"10.0.0.5\",\"port\":8081,"
                + "\"sslPort\":null,\"payload\":{\"@class\":\"org.springframework.cloud.zookeeper.discovery."
                + "ZookeeperInstance\",\"id\":\"orders\",\"name\":\"orders\",\"metadata\":{\"zone\":\"a\"}},"
                + "\"registrationTimeUTC\":1700000000000,\"serviceType\":\"DYNAMIC\",\"uriSpec\":{\"parts\":[]}}";
        zk.create("/services/orders/i-1", instance.getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        zk.create("/services/orders/i-2", "not json".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

        JsonNode list = viewer.get("/api/services").json();
        assertThat(list.toString()).contains("{\"name\":\"orders\",\"instances\":2}");
        JsonNode svc = viewer.get("/api/services/orders").json();
        assertThat(svc.path("instances").size()).isEqualTo(2);
        JsonNode first = svc.path("instances").get(0);
        assertThat(first.path("address").asString()).isEqualTo("10.0.0.5");
        assertThat(first.path("port").asInt()).isEqualTo(8081);
        assertThat(first.path("payload").path("metadata").path("zone").asString())
                .isEqualTo("a");
        assertThat(svc.path("instances").get(1).path("raw").asString()).isEqualTo("not json");
        assertThat(viewer.get("/api/services/orders/i-1").json().path("id").asString())
                .isEqualTo("i-1");
        assertProblem(viewer.get("/api/services/nosuch"), 404, "NONODE");
        assertProblem(viewer.get("/api/services/orders/nosuch"), 404, "NONODE");
    }

    // ---------------------------------------------------------------- configuration and history

    @Test
    void publishReadHistoryDiffRollback() throws Exception {
        Http.Response v1 = admin.put(
                "/api/config/shop,prod",
                body("properties", Map.of("greeting", "hello", "pool.size", "5"), "comment", "first"));
        assertThat(v1.status()).as(v1.body()).isEqualTo(200);
        int first = v1.json().path("version").asInt();
        assertThat(first).isEqualTo(1);
        assertThat(v1.json().path("author").asString()).isEqualTo("admin");
        assertThat(v1.json().path("zxid").asString()).startsWith("0x");
        // one child znode per property, as the starter reads them
        assertThat(new String(zk.getData("/config/shop,prod/pool.size", false, null)))
                .isEqualTo("5");

        JsonNode cfg = viewer.get("/api/config/shop,prod").json();
        assertThat(cfg.path("application").asString()).isEqualTo("shop");
        assertThat(cfg.path("profile").asString()).isEqualTo("prod");
        assertThat(cfg.path("properties").toString()).isEqualTo("{\"greeting\":\"hello\",\"pool.size\":\"5\"}");
        assertThat(cfg.path("version").asInt()).isEqualTo(first);

        Http.Response v2 = admin.put(
                "/api/config/shop,prod",
                body(
                        "properties",
                        Map.of("greeting", "hi", "timeout", "3s"),
                        "comment",
                        "second",
                        "expectedVersion",
                        first));
        assertThat(v2.status()).as(v2.body()).isEqualTo(200);
        int second = v2.json().path("version").asInt();
        assertThat(second).isGreaterThan(first);
        assertThat(zk.exists("/config/shop,prod/pool.size", false)).isNull();
        // a publisher that saw an older version loses
        assertProblem(
                admin.put("/api/config/shop,prod", body("properties", Map.of("x", "y"), "expectedVersion", first)),
                409,
                null);

        JsonNode history = viewer.get("/api/config/shop,prod/history").json();
        assertThat(history.size()).isEqualTo(2);
        assertThat(history.get(0).path("version").asInt()).isEqualTo(second);
        assertThat(history.get(0).path("comment").asString()).isEqualTo("second");
        assertThat(history.get(1).path("comment").asString()).isEqualTo("first");
        assertThat(history.get(1).path("timestamp").asString()).isNotBlank();
        JsonNode one = viewer.get("/api/config/shop,prod/history/" + first).json();
        assertThat(one.path("properties").path("pool.size").asString()).isEqualTo("5");

        JsonNode diff = viewer.get("/api/config/shop,prod/diff?from=" + first + "&to=" + second)
                .json();
        assertThat(diff.path("added").toString()).isEqualTo("{\"timeout\":\"3s\"}");
        assertThat(diff.path("removed").toString()).isEqualTo("{\"pool.size\":\"5\"}");
        assertThat(diff.path("changed").path("greeting").path("from").asString())
                .isEqualTo("hello");
        assertThat(diff.path("changed").path("greeting").path("to").asString()).isEqualTo("hi");
        JsonNode toCurrent =
                viewer.get("/api/config/shop,prod/diff?from=" + second).json();
        assertThat(toCurrent.path("added").size()
                        + toCurrent.path("removed").size()
                        + toCurrent.path("changed").size())
                .isZero();

        Http.Response rb = admin.post("/api/config/shop,prod/rollback", body("version", first));
        assertThat(rb.status()).as(rb.body()).isEqualTo(200);
        assertThat(rb.json().path("rollbackOf").asInt()).isEqualTo(first);
        assertThat(rb.json().path("comment").asString()).isEqualTo("rollback to version " + first);
        assertThat(viewer.get("/api/config/shop,prod").json().path("properties").toString())
                .isEqualTo("{\"greeting\":\"hello\",\"pool.size\":\"5\"}");
        assertThat(viewer.get("/api/config").json().toString()).contains("\"context\":\"shop,prod\"");

        // history is protected by its ACL: only the REST identity writes it
        String entry = zk.getChildren("/coordinator/history/shop,prod", false).get(0);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> zk.setData("/coordinator/history/shop,prod/" + entry, new byte[0], -1))
                .isInstanceOf(org.apache.zookeeper.KeeperException.NoAuthException.class);
    }

    @Test
    void publishReplacesDocumentsAndNestedNodesAndIsOneTransaction() throws Exception {
        zk.create("/config", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/config/legacy", "a: 1".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(
                "/config/legacy/app.properties",
                "b=2\nc=3".getBytes(),
                ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT);
        zk.create("/config/legacy/spring", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/config/legacy/spring/name", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThat(viewer.get("/api/config/legacy").json().path("properties").toString())
                .isEqualTo("{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"spring.name\":\"x\"}");
        assertThat(viewer.get("/api/config/legacy").json().path("version").isNull())
                .isTrue();

        Http.Response r = admin.put("/api/config/legacy", body("properties", Map.of("b", "20", "spring.name", "y")));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(viewer.get("/api/config/legacy").json().path("properties").toString())
                .isEqualTo("{\"b\":\"20\",\"spring.name\":\"y\"}");
        assertThat(zk.getChildren("/config/legacy", false)).containsExactlyInAnyOrder("b", "spring.name");
        // all property znodes and the history entry share one zxid: one multi
        long zxid = Long.decode(r.json().path("zxid").asString());
        assertThat(zk.exists("/config/legacy/b", false).getCzxid()).isEqualTo(zxid);
        assertThat(zk.exists("/config/legacy", false).getMzxid()).isEqualTo(zxid);
    }

    @Test
    void historyRetentionAndConfigErrors() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(admin.put("/api/config/ret", body("properties", Map.of("n", "" + i)))
                            .status())
                    .isEqualTo(200);
        }
        JsonNode h = viewer.get("/api/config/ret/history").json();
        assertThat(h.size()).isEqualTo(3); // coordinator.web.history-retention=3
        int oldest = h.get(2).path("version").asInt();
        assertProblem(viewer.get("/api/config/ret/history/" + (oldest - 1)), 404, null);
        assertProblem(viewer.get("/api/config/ret/diff?from=" + (oldest - 1)), 404, null);
        assertProblem(admin.post("/api/config/ret/rollback", body("version", 9999)), 404, null);
        assertProblem(admin.post("/api/config/ret/rollback", body()), 400, null);

        assertProblem(viewer.get("/api/config/nosuchapp"), 404, null);
        assertProblem(viewer.get("/api/config/a,b,c"), 400, null);
        assertProblem(viewer.get("/api/config/bad%20name"), 400, null);
        assertProblem(admin.put("/api/config/ok", body("properties", Map.of("a/b", "x"))), 400, null);
        assertProblem(admin.put("/api/config/ok", body("properties", Map.of("x.yaml", "x"))), 400, null);
        assertProblem(admin.put("/api/config/ok", body("comment", "no properties")), 400, null);
        assertProblem(admin.put("/api/config/ok", body("properties", Map.of("big", "v".repeat(5000)))), 413, null);
        assertThat(viewer.put("/api/config/ok", body("properties", Map.of())).status())
                .isEqualTo(403);
    }

    // ---------------------------------------------------------------- cluster, OpenAPI

    @Test
    void clusterStatusAndOpenApi() {
        JsonNode c = viewer.get("/api/cluster").json();
        assertThat(c.path("role").asString()).isEqualTo("standalone");
        assertThat(c.path("ready").asBoolean()).isTrue();
        assertThat(c.path("lastZxid").asString()).startsWith("0x");
        assertThat(c.path("znodes").asInt()).isPositive();

        Http.Response api = viewer.get("/v3/api-docs");
        assertThat(api.status()).as(api.body()).isEqualTo(200);
        JsonNode doc = api.json();
        assertThat(doc.path("openapi").asString()).startsWith("3.");
        assertThat(doc.path("info").path("title").asString()).isEqualTo("Coordinator REST API");
        assertThat(doc.path("paths").has("/api/events")).isTrue();
        assertThat(doc.path("paths").has("/api/znodes/{path}")).isTrue();
        assertThat(doc.path("paths").has("/api/config/{context}/rollback")).isTrue();
        assertThat(doc.path("paths").has("/api/services/{name}")).isTrue();
        assertThat(doc.path("paths").has("/api/cluster")).isTrue();
    }

    @Test
    void consoleIsServedAtTheRootWithoutLogin() {
        Http.Response index = viewer.get("/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).contains("<title>Coordinator console</title>").contains("console/app.js");
        Http.Response js = viewer.get("/console/app.js");
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.contentType()).contains("javascript");
        assertThat(js.body()).contains("/api/cluster").contains("/api/znodes");
        assertThat(viewer.get("/console/style.css").status()).isEqualTo(200);
    }

    @Test
    void serverSentEventsReportZnodeChanges() throws Exception {
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        var future = client.sendAsync(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/events"))
                        .header("Accept", "text/event-stream")
                        .header("Authorization", viewer.authorization())
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        var response = future.get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> response.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        try {
            assertThat(next(lines, "event:ready")).isNotNull();
            admin.post("/api/znodes/live", body("data", "1"));
            admin.put("/api/znodes/live", body("data", "2"));
            admin.delete("/api/znodes/live");
            assertThat(next(lines, "\"path\":\"/live\"")).contains("NodeCreated");
            assertThat(next(lines, "\"path\":\"/live\"")).contains("NodeDataChanged");
            assertThat(next(lines, "\"path\":\"/live\"")).contains("NodeDeleted");
        } finally {
            response.body().close();
        }
    }

    private static String next(java.util.concurrent.BlockingQueue<String> lines, String containing)
            throws InterruptedException {
        while (true) {
            String line = lines.poll(30, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("no event line containing " + containing);
            }
            if (line.replace(" ", "").contains(containing.replace(" ", ""))) {
                return line;
            }
        }
    }
}
