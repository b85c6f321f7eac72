package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.app.TestClients;
import io.coordinator.server.ops.ServerHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Out of the box nobody reads anything over HTTP: with no users, or with users but no login, the REST API, the
 * event stream and the actuator endpoints other than the probes answer 401; the log says how to add a user. The
 * REST layer's ZooKeeper identity is generated, not a well-known default.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClosedByDefaultTest {
    static final List<String> CLOSED = List.of(
            "/api/znodes/",
            "/api/znodes/zookeeper",
            "/api/config",
            "/api/services",
            "/api/cluster",
            "/api/cluster/history",
            "/api/instances",
            "/api/events",
            "/actuator/coordinator",
            "/actuator/metrics",
            "/actuator/env");

    /** An ADMIN user for the tests that publish. */
    static final String[] ADMIN = {
        "--coordinator.web.users.admin.password={noop}admin-pw", "--coordinator.web.users.admin.role=ADMIN"
    };

    @TempDir
    Path dir;

    private static ConfigurableApplicationContext start(Path dataDir, String... extra) {
        return StandaloneApp.start(dataDir, extra);
    }

    private static Http anonymous(ConfigurableApplicationContext ctx) {
        return StandaloneApp.http(ctx, null, null);
    }

    @Test
    void withNoUsersEverythingButTheProbesIsRefusedAndTheLogSaysWhatToDo(CapturedOutput output) {
        try (ConfigurableApplicationContext ctx = start(dir)) {
            Http anon = anonymous(ctx);
            for (String path : CLOSED) {
                assertThat(anon.get(path).status()).as(path).isEqualTo(401);
            }
            assertThat(anon.post("/api/znodes/x", null).status()).isEqualTo(401);
            assertThat(anon.get("/api/znodes/").header("WWW-Authenticate")).isEqualTo("Basic realm=\"coordinator\"");
            // the console's requests get no challenge, which would open the browser's own login dialog
            Http.Response console = anon.send("GET", "/api/znodes/", null, "X-Requested-With", "XMLHttpRequest");
            assertThat(console.status()).isEqualTo(401);
            assertThat(console.header("WWW-Authenticate")).isNull();
            assertProbesOpenWithoutDetails(anon);
            assertThat(output.getOut())
                    .contains("No users are configured, so the REST API and console refuse every read and write (401)")
                    .contains("coordinator.web.users.<name>.password={bcrypt}<hash>")
                    .contains("java -jar coordinator-server.jar hash-password");
        }
    }

    @Test
    void readsNeedAUserWritesAnAdmin() {
        try (ConfigurableApplicationContext ctx = start(dir, "--coordinator.web.users.viewer.password={noop}view")) {
            Http anon = anonymous(ctx);
            for (String path : CLOSED) {
                assertThat(anon.get(path).status()).as(path).isEqualTo(401);
            }
            assertProbesOpenWithoutDetails(anon);
            Http viewer = anon.as("viewer", "view"); // role defaults to READ_ONLY
            assertThat(viewer.get("/api/znodes/").status()).isEqualTo(200);
            assertThat(viewer.get("/actuator/coordinator").status()).isEqualTo(200);
            assertThat(viewer.get("/actuator/health").json().has("components")).isTrue();
            assertThat(viewer.post("/api/znodes/x", null).status()).isEqualTo(403);
        }
    }

    @Test
    void anonymousReadsAreAnExplicitChoiceThatIsLogged(CapturedOutput output) {
        try (ConfigurableApplicationContext ctx = start(dir, "--coordinator.web.anonymous-read=true")) {
            Http anon = anonymous(ctx);
            assertThat(anon.get("/api/znodes/").status()).isEqualTo(200);
            assertThat(anon.post("/api/znodes/x", null).status()).isEqualTo(401);
            assertThat(output.getOut())
                    .contains(
                            "coordinator.web.anonymous-read=true: anyone who reaches the HTTP port reads every znode");
        }
    }

    /**
     * The REST layer's digest identity is derived from this data directory's secret: not the old well-known
     * default, the same after a restart (so it still owns what it wrote), and never logged.
     */
    @Test
    void theRestIdentityIsGeneratedPerDataDirectoryAndKept(CapturedOutput output) throws Exception {
        Path data = dir.resolve("data");
        List<ACL> first;
        String identity;
        try (ConfigurableApplicationContext ctx = start(data, ADMIN)) {
            Http admin = anonymous(ctx).as("admin", "admin-pw");
            assertThat(admin.put("/api/config/idapp", Map.of("properties", Map.of("a", "1")))
                            .status())
                    .isEqualTo(200);
            identity = ctx.getBean(LocalZooKeeper.class).identity();
            first = historyAcl(ctx, identity);
        }
        assertThat(identity).startsWith(LocalZooKeeper.GENERATED_USER + ":").isNotEqualTo("coordinator-web:change-me");
        assertThat(identity.length()).isGreaterThan(40); // 32 random-derived bytes, base64
        // the admin has no wire digest and nobody may read anonymously: the REST identity alone
        assertThat(first).containsExactly(new ACL(ZooDefs.Perms.ALL, LegacyRestIdentity.digest(identity)));
        try (ConfigurableApplicationContext ctx = start(data, ADMIN)) {
            Http admin = anonymous(ctx).as("admin", "admin-pw");
            // the history node's ACL names the identity of the first run: publishing again needs the same one
            assertThat(admin.put("/api/config/idapp", Map.of("properties", Map.of("a", "2")))
                            .status())
                    .isEqualTo(200);
            assertThat(ctx.getBean(LocalZooKeeper.class).identity()).isEqualTo(identity);
            assertThat(historyAcl(ctx, identity)).isEqualTo(first);
            assertThat(output.getOut()).doesNotContain(identity.substring(identity.indexOf(':') + 1));
        }
    }

    /**
     * History written under the former well-known default identity (before it was generated) is taken over: the
     * REST layer can publish to it again, and no ACL names the old identity any more.
     */
    @Test
    void historyOfTheFormerDefaultIdentityIsTakenOver() throws Exception {
        Path data = dir.resolve("data");
        List<ACL> legacy = new ArrayList<>(List.of(
                new ACL(ZooDefs.Perms.ALL, LegacyRestIdentity.digest("coordinator-web:change-me")),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)));
        List<String> written =
                List.of("/coordinator/history", "/coordinator/history/old", "/coordinator/history/old/v-0000000000");
        // what an earlier version's REST layer wrote
        try (ConfigurableApplicationContext ctx = start(data)) {
            ZooKeeper zk = connect(ctx);
            try {
                zk.addAuthInfo("digest", "coordinator-web:change-me".getBytes(StandardCharsets.UTF_8));
                zk.create("/coordinator", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                for (String path : written) {
                    zk.create(path, "{}".getBytes(StandardCharsets.UTF_8), legacy, CreateMode.PERSISTENT);
                }
            } finally {
                zk.close();
            }
        }
        try (ConfigurableApplicationContext ctx = start(data, ADMIN)) {
            Http admin = anonymous(ctx).as("admin", "admin-pw");
            Http.Response published = admin.put("/api/config/old", Map.of("properties", Map.of("a", "1")));
            assertThat(published.status()).as(published.body()).isEqualTo(200);
            String identity = ctx.getBean(LocalZooKeeper.class).identity();
            Id generated = LegacyRestIdentity.digest(identity);
            ZooKeeper zk = connect(ctx);
            try {
                // as the generated identity, which holds ADMIN now (to others, digests show redacted)
                zk.addAuthInfo("digest", identity.getBytes(StandardCharsets.UTF_8));
                // the history root stays listable; a context's history is its readers' (here: nobody on the wire)
                assertThat(zk.getACL(written.get(0), new Stat()))
                        .containsExactly(
                                new ACL(ZooDefs.Perms.ALL, generated),
                                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
                for (String path : written.subList(1, written.size())) {
                    assertThat(zk.getACL(path, new Stat()))
                            .as(path)
                            .containsExactly(new ACL(ZooDefs.Perms.ALL, generated));
                }
                assertThat(zk.getChildren("/coordinator/history/old", false)).hasSize(2);
            } finally {
                zk.close();
            }
        }
    }

    /**
     * Contexts an earlier version published open to every wire client (it wrote them with world:anyone ALL) are
     * brought to the grants' ACLs when the server starts; contexts written only by wire clients (no history) keep
     * their own.
     */
    @Test
    void contextsPublishedOpenAreClosedOnStartAndWireOnlyContextsAreLeft() throws Exception {
        Path data = dir.resolve("data");
        String identity;
        try (ConfigurableApplicationContext ctx = start(data)) {
            identity = ctx.getBean(LocalZooKeeper.class).identity();
            List<ACL> history = new ArrayList<>(List.of(
                    new ACL(ZooDefs.Perms.ALL, LegacyRestIdentity.digest(identity)),
                    new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)));
            ZooKeeper zk = connect(ctx);
            try { // what the REST layer of the previous version wrote, and a context a wire client wrote
                for (String path : List.of("/config", "/config/shop,prod", "/config/shop,prod/db.password")) {
                    zk.create(path, "s3cret".getBytes(StandardCharsets.UTF_8), OPEN, CreateMode.PERSISTENT);
                }
                for (String path : List.of("/coordinator", "/coordinator/history")) {
                    zk.create(path, new byte[0], OPEN, CreateMode.PERSISTENT);
                }
                zk.addAuthInfo("digest", identity.getBytes(StandardCharsets.UTF_8));
                zk.create("/coordinator/history/shop,prod", new byte[0], history, CreateMode.PERSISTENT);
                zk.create("/coordinator/history/shop,prod/v-0000000000", new byte[0], history, CreateMode.PERSISTENT);
                zk.create("/config/wireonly", new byte[0], OPEN, CreateMode.PERSISTENT);
                zk.create("/config/wireonly/k", new byte[0], OPEN, CreateMode.PERSISTENT);
            } finally {
                zk.close();
            }
        }
        try (ConfigurableApplicationContext ctx = start(data, ADMIN)) {
            assertThat(anonymous(ctx).as("admin", "admin-pw").get("/api/config").status())
                    .isEqualTo(200);
            ZooKeeper zk = connect(ctx);
            try {
                for (String path : List.of(
                        "/config/shop,prod/db.password",
                        "/config/shop,prod",
                        "/coordinator/history/shop,prod/v-0000000000")) {
                    assertThatThrownBy(() -> zk.getData(path, false, null))
                            .as(path)
                            .isInstanceOf(KeeperException.NoAuthException.class);
                }
                assertThatThrownBy(() -> zk.setData("/config/shop,prod/db.password", new byte[0], -1))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThat(zk.getACL("/config/wireonly/k", new Stat())).isEqualTo(OPEN);
                assertThat(zk.getChildren("/config", false)).contains("shop,prod", "wireonly");
            } finally {
                zk.close();
            }
        }
    }

    /**
     * An operator who exposes /actuator/env and /actuator/configprops sees the keys, never a password, a wire
     * digest, the session secret or a public key's neighbour secrets: Spring Boot shows no values unless told to.
     */
    @Test
    void exposedEnvAndConfigpropsShowNoSecrets() {
        String digest = WireDigest.of("admin:admin-pw");
        try (ConfigurableApplicationContext ctx = start(
                dir,
                ADMIN[0],
                ADMIN[1],
                "--coordinator.web.users.admin.wire-digest=" + digest,
                "--coordinator.session-secret=0123456789abcdef-secret",
                "--management.endpoints.web.exposure.include=env,configprops")) {
            Http admin = anonymous(ctx).as("admin", "admin-pw");
            for (String endpoint : List.of("/actuator/env", "/actuator/configprops")) {
                Http.Response r = admin.get(endpoint);
                assertThat(r.status()).as(endpoint).isEqualTo(200);
                assertThat(r.body())
                        .as(endpoint)
                        .contains("coordinator")
                        .doesNotContain("admin-pw")
                        .doesNotContain(digest.substring(digest.indexOf(':') + 1))
                        .doesNotContain("0123456789abcdef-secret");
            }
        }
    }

    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;

    private static ZooKeeper connect(ConfigurableApplicationContext ctx) throws Exception {
        return TestClients.connect(ctx.getBean(ServerHandle.class).clientPortNumber());
    }

    /** The history node's ACL as its owner sees it (without ADMIN, digests show as "user:x"). */
    private static List<ACL> historyAcl(ConfigurableApplicationContext ctx, String identity) throws Exception {
        ZooKeeper zk = connect(ctx);
        try {
            zk.addAuthInfo("digest", identity.getBytes(StandardCharsets.UTF_8));
            return zk.getACL("/coordinator/history/idapp", new Stat());
        } finally {
            zk.close();
        }
    }

    private static void assertProbesOpenWithoutDetails(Http anon) {
        assertThat(anon.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(anon.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(anon.get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(anon.get("/v3/api-docs").status()).isEqualTo(200);
        Http.Response health = anon.get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asString()).isEqualTo("UP");
        assertThat(health.json().has("components")).as(health.body()).isFalse(); // no disk paths for strangers
        assertThat(anon.get("/").body()).contains("login-form");
    }

    @Test
    void aPlainTextPasswordStopsStartupNamingTheProperty() {
        assertThatThrownBy(() -> start(dir, "--coordinator.web.users.admin.password=plain"))
                .hasStackTraceContaining("coordinator.web.users.admin.password must be hashed");
    }
}
