package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.StandaloneAppTest;
import io.coordinator.server.StandaloneTestProperties;
import io.coordinator.server.app.CoordinatorApplication;
import io.coordinator.server.app.TestClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Permissions per configuration context and per znode subtree, through the REST API: a user granted {@code shop,*}
 * reads and publishes {@code shop,prod} and gets 403 on {@code billing,prod}; lists and the event stream show only
 * what the user may read.
 */
class PermissionsTest extends StandaloneAppTest {

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        StandaloneTestProperties.register(r, "coordinator-permissions");
        StandaloneTestProperties.user(r, "admin", "admin-pw", "ADMIN");
        StandaloneTestProperties.user(r, "alice", "alice-pw");
        StandaloneTestProperties.grant(r, "alice", 0, "context", "shop,*", "read,publish");
        StandaloneTestProperties.wireDigest(r, "alice", "alice-pw");
        StandaloneTestProperties.user(r, "bob", "bob-pw");
        StandaloneTestProperties.grant(r, "bob", 0, "context", "*,prod", "read,rollback");
        StandaloneTestProperties.user(r, "carol", "carol-pw");
        StandaloneTestProperties.grant(r, "carol", 0, "znode", "/apps/shop/**", "read,write");
        StandaloneTestProperties.grant(r, "carol", 1, "znode", "/services/orders", "read");
        StandaloneTestProperties.grant(r, "carol", 2, "znode", "/wire/shop/**", "read,write");
        StandaloneTestProperties.wireDigest(r, "carol", "carol-pw");
    }

    /** A wire client authenticated as {@code user:password} (a digest), or anonymous with null. */
    private ZooKeeper wire(String userPassword) throws Exception {
        ZooKeeper zk = TestClients.connect(server.clientPortNumber());
        if (userPassword != null) {
            zk.addAuthInfo("digest", userPassword.getBytes(StandardCharsets.UTF_8));
        }
        return zk;
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @TempDir
    Path other;

    Http admin;
    Http alice;
    Http bob;
    Http carol;

    @BeforeEach
    void users() {
        Http anon = new Http(port, null, null);
        admin = anon.as("admin", "admin-pw");
        alice = anon.as("alice", "alice-pw");
        bob = anon.as("bob", "bob-pw");
        carol = anon.as("carol", "carol-pw");
    }

    private static Map<String, Object> properties(String k, String v) {
        return Map.of("properties", Map.of(k, v));
    }

    /** The admin publishes {@code shop,<profile>} (color=blue) and {@code billing,<profile>} (rate=1). */
    private void publishShopAndBilling(String profile) {
        assertThat(admin.put("/api/config/billing," + profile, properties("rate", "1"))
                        .status())
                .isEqualTo(200);
        assertThat(admin.put("/api/config/shop," + profile, properties("color", "blue"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aContextGrantCoversItsContextsAndNothingElse() {
        publishShopAndBilling("prod");

        assertThat(alice.get("/api/config/shop,prod").status()).isEqualTo(200);
        Http.Response published = alice.put("/api/config/shop,prod", properties("color", "green"));
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        assertThat(published.json().path("author").asString()).isEqualTo("alice");
        assertThat(alice.put("/api/config/shop,dev", properties("color", "red")).status())
                .isEqualTo(200);

        Http.Response refused = alice.get("/api/config/billing,prod");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("detail").asString())
                .isEqualTo("User 'alice' may not read configuration context billing,prod");
        assertThat(alice.put("/api/config/billing,prod", properties("rate", "0"))
                        .status())
                .isEqualTo(403);
        assertThat(alice.get("/api/config/billing,prod/history").status()).isEqualTo(403);
        assertThat(alice.get("/api/config/billing,prod/diff?from=1").status()).isEqualTo(403);
        assertThat(alice.post("/api/config/shop,prod/rollback", Map.of("version", 1))
                        .status())
                .isEqualTo(403); // read and publish, not rollback
        assertThat(admin.get("/api/config/billing,prod")
                        .json()
                        .path("properties")
                        .path("rate")
                        .asString())
                .isEqualTo("1"); // nothing changed

        // the list holds what the user may read
        assertThat(contexts(alice)).contains("shop,prod", "shop,dev").doesNotContain("billing,prod");
        assertThat(contexts(bob)).contains("shop,prod", "billing,prod").doesNotContain("shop,dev");

        // bob may read and roll back any prod context, and publish none
        assertThat(bob.post("/api/config/shop,prod/rollback", Map.of("version", 1))
                        .status())
                .isEqualTo(200);
        assertThat(bob.put("/api/config/shop,prod", properties("color", "x")).status())
                .isEqualTo(403);
        assertThat(bob.get("/api/config/shop,dev").status()).isEqualTo(403);

        // a context's own znodes read the same through the raw API; writing them raw needs a znode grant
        assertThat(alice.get("/api/znodes/config/shop,prod/color").status()).isEqualTo(200);
        assertThat(alice.get("/api/znodes/config/billing,prod/rate").status()).isEqualTo(403);
        assertThat(alice.put("/api/znodes/config/shop,prod/color", Map.of("data", "raw"))
                        .status())
                .isEqualTo(403);
        assertThat(alice.get("/api/znodes/").status()).isEqualTo(403);
    }

    /**
     * The ACLs the REST layer writes carry the same grants: a wire client authenticated as alice reads and changes
     * shop,prod and is refused billing,prod and its history; an anonymous client or a wrong password gets nothing.
     */
    @Test
    void theSameGrantsHoldOnTheWireProtocol() throws Exception {
        publishShopAndBilling("live");
        try (ZooKeeper alice = wire("alice:alice-pw");
                ZooKeeper anonymous = wire(null);
                ZooKeeper wrongPassword = wire("alice:guess")) {
            assertThat(new String(alice.getData("/config/shop,live/color", false, null), StandardCharsets.UTF_8))
                    .isEqualTo("blue");
            alice.setData("/config/shop,live/color", "green".getBytes(StandardCharsets.UTF_8), -1);
            assertThat(alice.getChildren("/coordinator/history/shop,live", false))
                    .hasSize(1);
            assertThat(admin.get("/api/config/shop,live")
                            .json()
                            .path("properties")
                            .path("color")
                            .asString())
                    .isEqualTo("green"); // what the wire client wrote is what REST reads

            for (String refused : List.of("/config/billing,live", "/config/billing,live/rate")) {
                assertThatThrownBy(() -> alice.getData(refused, false, null))
                        .as(refused)
                        .isInstanceOf(KeeperException.NoAuthException.class);
            }
            assertThatThrownBy(() -> alice.setData("/config/billing,live/rate", new byte[0], -1))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> alice.getChildren("/coordinator/history/billing,live", false))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> alice.setACL("/config/shop,live", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1))
                    .isInstanceOf(KeeperException.NoAuthException.class); // publish is not ADMIN
            for (ZooKeeper stranger : List.of(anonymous, wrongPassword)) {
                assertThatThrownBy(() -> stranger.getData("/config/shop,live/color", false, null))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> stranger.getChildren("/coordinator/history/shop,live", false))
                        .isInstanceOf(KeeperException.NoAuthException.class);
            }
            assertThat(anonymous.getChildren("/config", false)).contains("shop,live", "billing,live");
        }
    }

    /** Znodes the REST layer creates without an ACL of their own carry the znode grants the same way. */
    @Test
    void znodeGrantsHoldOnTheWireProtocol() throws Exception {
        assertThat(admin.post("/api/znodes/wire", null).status()).isEqualTo(201);
        assertThat(admin.post("/api/znodes/wire/shop", null).status()).isEqualTo(201);
        assertThat(admin.post("/api/znodes/wire/shop/flags", Map.of("data", "on"))
                        .status())
                .isEqualTo(201);
        assertThat(admin.post("/api/znodes/wire/billing-flags", Map.of("data", "off"))
                        .status())
                .isEqualTo(201);
        try (ZooKeeper carol = wire("carol:carol-pw");
                ZooKeeper anonymous = wire(null)) {
            assertThat(new String(carol.getData("/wire/shop/flags", false, null), StandardCharsets.UTF_8))
                    .isEqualTo("on");
            carol.setData("/wire/shop/flags", "off".getBytes(StandardCharsets.UTF_8), -1);
            assertThatThrownBy(() -> carol.getData("/wire/billing-flags", false, null))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> anonymous.getData("/wire/shop/flags", false, null))
                    .isInstanceOf(KeeperException.NoAuthException.class);
        }
        // an ACL given in the request is the ACL written
        assertThat(admin.post(
                                "/api/znodes/wire/open",
                                Map.of(
                                        "data",
                                        "x",
                                        "acl",
                                        List.of(Map.of("scheme", "world", "id", "anyone", "perms", "cdrwa"))))
                        .status())
                .isEqualTo(201);
        try (ZooKeeper anonymous = wire(null)) {
            assertThat(anonymous.getData("/wire/open", false, null)).isEqualTo("x".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aZnodeGrantCoversItsSubtree() {
        assertThat(admin.post("/api/znodes/apps", null).status()).isEqualTo(201);
        assertThat(carol.post("/api/znodes/apps/shop", null).status()).isEqualTo(201);
        assertThat(carol.post("/api/znodes/apps/shop/cart", Map.of("data", "1")).status())
                .isEqualTo(201);
        assertThat(carol.put("/api/znodes/apps/shop/cart", Map.of("data", "2")).status())
                .isEqualTo(200);
        assertThat(carol.get("/api/znodes/apps/shop/cart").json().path("data").asString())
                .isEqualTo("2");
        assertThat(carol.post("/api/znodes/apps/shopping", null).status()).isEqualTo(403);
        assertThat(carol.get("/api/znodes/apps").status()).isEqualTo(403);
        assertThat(carol.delete("/api/znodes/apps/shop/cart").status()).isEqualTo(204);
        assertThat(carol.get("/api/config").json().size()).isZero(); // no context grant
        assertThat(carol.get("/api/cluster").status()).isEqualTo(200); // the cluster view is for every user

        // services: those under a readable path only
        assertThat(admin.post("/api/znodes/services", null).status()).isEqualTo(201);
        assertThat(admin.post("/api/znodes/services/orders", null).status()).isEqualTo(201);
        assertThat(admin.post("/api/znodes/services/billing", null).status()).isEqualTo(201);
        assertThat(carol.get("/api/services").body()).contains("orders").doesNotContain("billing");
        assertThat(carol.get("/api/services/billing").status()).isEqualTo(403);
        assertThat(alice.get("/api/services").json().size()).isZero();
    }

    @Test
    void theEventStreamTellsOnlyOfReadablePaths() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                                .header("Accept", "text/event-stream")
                                .header("Authorization", alice.authorization())
                                .build(),
                        HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> response.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        try {
            assertThat(next(lines, "event:ready", new ArrayList<>())).isNotNull();
            // billing first: if its events reached alice, they would come before shop's
            admin.put("/api/config/billing,events", properties("k", "v"));
            admin.put("/api/config/shop,events", properties("k", "v"));
            List<String> seen = new ArrayList<>();
            assertThat(next(lines, "/config/shop,events", seen)).contains("NodeCreated");
            assertThat(seen).noneMatch(l -> l.contains("billing"));
        } finally {
            response.body().close();
        }
    }

    /**
     * Every REST endpoint that changes something is one of these, each checked above against the grants: a new
     * one fails this test until its permission check and test are added.
     */
    @Test
    void everyWriteEndpointIsKnown() {
        Set<String> writes = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            if (methods.stream().anyMatch(m -> m != RequestMethod.GET && m != RequestMethod.HEAD)) {
                info.getPatternValues().stream()
                        .filter(p -> p.startsWith("/api"))
                        .forEach(p -> writes.add(
                                methods + " " + p + " " + method.getMethod().getName()));
            }
        });
        assertThat(writes)
                .containsExactly(
                        "[DELETE] /api/services/{name}/{id}/override removeOverride",
                        "[DELETE] /api/znodes/{*path} delete",
                        "[POST] /api/config/import importAll", // publish on every context (ConfigTransferTest)
                        "[POST] /api/config/{context}/copy copy", // read, publish on the target (ConfigTransferTest)
                        "[POST] /api/config/{context}/encrypt encrypt",
                        "[POST] /api/config/{context}/gray start", // publish (ConfigGrayTest)
                        "[POST] /api/config/{context}/gray/abort abort", // publish (ConfigGrayTest)
                        "[POST] /api/config/{context}/gray/promote promote", // publish (ConfigGrayTest)
                        "[POST] /api/config/{context}/preview preview", // publish; changes nothing
                        "[POST] /api/config/{context}/rollback rollback",
                        "[POST] /api/znodes/{*path} create",
                        "[PUT] /api/config/{context} publish",
                        "[PUT] /api/config/{context}/gray update", // publish (ConfigGrayTest)
                        "[PUT] /api/services/{name}/{id}/override setOverride", // write on the instance (RestApiTest)
                        "[PUT] /api/znodes/{*path} update");
    }

    @Test
    void aMalformedGrantStopsStartupNamingIt() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(CoordinatorApplication.class)
                        .run(
                                "--server.port=0",
                                "--server.address=127.0.0.1",
                                "--coordinator.client-port=0",
                                "--coordinator.data-dir=" + other,
                                "--coordinator.web.users.dave.password={noop}x",
                                "--coordinator.web.users.dave.grants[0].context=shop,prod,x",
                                "--coordinator.web.users.dave.grants[0].actions=read"))
                .hasStackTraceContaining("coordinator.web.users.dave.grants[0]: a context pattern is");
    }

    private static List<String> contexts(Http user) {
        List<String> out = new ArrayList<>();
        user.get("/api/config").json().forEach(c -> out.add(c.path("context").asString()));
        return out;
    }

    private static String next(BlockingQueue<String> lines, String containing, List<String> seen)
            throws InterruptedException {
        while (true) {
            String line = lines.poll(30, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("no event line containing " + containing + " after " + seen);
            }
            seen.add(line);
            if (line.replace(" ", "").contains(containing)) {
                return line;
            }
        }
    }
}
