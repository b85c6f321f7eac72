package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.config.format.crypto.ConfigKeys;
import io.coordinator.config.format.crypto.EncryptedValue;
import io.coordinator.server.app.TestClients;
import io.coordinator.server.ops.ServerHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Configuration in and out: a document publish is validated as applications parse it; a context exports as
 * properties, YAML and JSON that publish back to the same properties; an archive of every context imported into
 * an empty server reproduces each context's znodes exactly; copy and import show their diff in a dry run; an
 * import with one context the user may not publish changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfigTransferTest {
    static final String[] USERS = {
        "--coordinator.web.users.admin.password={noop}admin-pw",
        "--coordinator.web.users.admin.role=ADMIN",
        "--coordinator.web.users.admin.wire-digest=" + WireDigest.of("admin:admin-pw"),
        "--coordinator.web.users.alice.password={noop}alice-pw",
        "--coordinator.web.users.alice.grants[0].context=shop,*",
        "--coordinator.web.users.alice.grants[0].actions=read,publish",
        "--coordinator.web.users.viewer.password={noop}view",
        "--coordinator.web.users.viewer.role=READ_ONLY",
    };

    /**
     * Values that a naive exporter would break: separators, escapes, non-Latin-1, blanks, a ciphertext. (Not an
     * empty value: a znode without data is a folder to applications, so it is no property to export.)
     */
    static final Map<String, String> AWKWARD = new TreeMap<>(Map.of(
            "plain",
            "blue",
            "with.separators",
            "a=b: c # not a comment ! nor this",
            "multi.line",
            "first\nsecond\ttabbed",
            "unicode",
            "grüße ✓ 日本 \uD83D\uDE80",
            "leading.space",
            "  padded  ",
            "back\\slash",
            "C:\\path\\to",
            "numberish",
            "007",
            "boolish",
            "yes",
            "db.password",
            EncryptedValue.encrypt("hunter2-exported", ConfigKeys.publicKey("shop-2026", ConfigKeys.generate()))));

    @TempDir
    Path dir;

    /**
     * The server of the tests that work on contexts of their own (each its own names): those that need an empty
     * server start one.
     */
    ConfigurableApplicationContext shared;

    @BeforeAll
    void startShared(@TempDir Path sharedDir) {
        shared = start(sharedDir);
    }

    @AfterAll
    void stopShared() {
        if (shared != null) {
            shared.close();
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return StandaloneApp.start(dataDir, USERS);
    }

    private static Http as(ConfigurableApplicationContext ctx, String user, String password) {
        return StandaloneApp.http(ctx, user, password);
    }

    /** Every znode below /config: path to data, as the admin reads it on the wire. */
    private static Map<String, String> configZnodes(ConfigurableApplicationContext ctx) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (ZooKeeper zk = TestClients.connect(ctx.getBean(ServerHandle.class).clientPortNumber())) {
            zk.addAuthInfo("digest", "admin:admin-pw".getBytes(StandardCharsets.UTF_8));
            collect(zk, "/config", out);
        }
        return out;
    }

    private static void collect(ZooKeeper zk, String path, Map<String, String> out) throws Exception {
        for (String child : zk.getChildren(path, false)) {
            String p = path + "/" + child;
            byte[] data = zk.getData(p, false, null);
            // the exact bytes, hex: a byte-level difference shows
            StringBuilder hex = new StringBuilder();
            for (byte b : data == null ? new byte[0] : data) {
                hex.append(String.format("%02x", b));
            }
            out.put(p, hex.toString());
            collect(zk, p, out);
        }
    }

    private static Map<String, Object> publish(Map<String, String> properties) {
        return Map.of("properties", properties);
    }

    @Test
    void anArchiveImportedIntoAnEmptyServerReproducesEveryContextExactly() throws Exception {
        Map<String, String> before;
        JsonNode archive;
        try (ConfigurableApplicationContext a = start(dir.resolve("a"))) {
            Http admin = as(a, "admin", "admin-pw");
            assertThat(admin.put("/api/config/shop,prod", publish(AWKWARD)).status())
                    .isEqualTo(200);
            assertThat(admin.put("/api/config/shop", publish(Map.of("shop.name", "Corner")))
                            .status())
                    .isEqualTo(200);
            assertThat(admin.put("/api/config/billing,prod", publish(Map.of("rate", "0.19")))
                            .status())
                    .isEqualTo(200);
            Http.Response exported = admin.get("/api/config/export");
            assertThat(exported.status()).isEqualTo(200);
            archive = exported.json();
            before = configZnodes(a);

            // alice may publish shop's contexts only: her archive holds those
            JsonNode alices =
                    as(a, "alice", "alice-pw").get("/api/config/export").json();
            assertThat(alices.path("contexts").propertyNames()).containsExactly("shop", "shop,prod");
        }
        assertThat(archive.path("format").asString()).isEqualTo(ConfigTransferController.ARCHIVE_FORMAT);
        assertThat(archive.path("contexts")
                        .path("shop,prod")
                        .path("db.password")
                        .asString())
                .isEqualTo(AWKWARD.get("db.password")); // the ciphertext, not its mask: an import needs it

        try (ConfigurableApplicationContext b = start(dir.resolve("b"))) {
            Http admin = as(b, "admin", "admin-pw");
            Object body = Http.JSON.treeToValue(archive, Object.class);

            // alice may not publish billing: the import is refused as a whole, nothing lands
            Http.Response refused = as(b, "alice", "alice-pw").post("/api/config/import", body);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(admin.get("/api/config").json().size()).isZero();

            Http.Response dry = admin.post("/api/config/import?dryRun=true", body);
            assertThat(dry.status()).as(dry.body()).isEqualTo(200);
            assertThat(dry.json().valueStream().map(o -> o.path("result").asString()))
                    .containsExactly("new", "new", "new");
            assertThat(dry.json()
                            .get(2)
                            .path("diff")
                            .path("added")
                            .path("db.password")
                            .asString())
                    .isEqualTo("{cipher}v1:shop-2026:***");
            assertThat(admin.get("/api/config").json().size()).isZero(); // a dry run changes nothing

            Http.Response imported = admin.post("/api/config/import", body);
            assertThat(imported.status()).as(imported.body()).isEqualTo(200);
            assertThat(imported.json().valueStream().map(o -> o.path("version").asInt()))
                    .containsExactly(1, 1, 1);
            assertThat(configZnodes(b)).isEqualTo(before);

            // importing again changes nothing and publishes no version
            assertThat(admin.post("/api/config/import", body)
                            .json()
                            .valueStream()
                            .map(o -> o.path("result").asString()))
                    .containsExactly("unchanged", "unchanged", "unchanged");
            assertThat(admin.get("/api/config/shop,prod/history").json().size()).isEqualTo(1);
        }
    }

    /**
     * An archive may be larger than one request may otherwise be (each context stays within the limits); a publish
     * whose transaction would exceed what the server accepts in one request is a 413 that says so, not a lost
     * connection.
     */
    @Test
    void anArchiveLargerThanOneRequestIsImportedAndAnOversizedPublishIsNamed() throws Exception {
        String big = "x".repeat(300_000);
        Map<String, Map<String, String>> contexts = new TreeMap<>();
        for (String name : List.of("a", "b", "c", "d", "e")) {
            contexts.put(name, Map.of("v", big));
        }
        Map<String, Object> archive = Map.of("format", ConfigTransferController.ARCHIVE_FORMAT, "contexts", contexts);
        try (ConfigurableApplicationContext a = start(dir.resolve("a"))) {
            Http admin = as(a, "admin", "admin-pw");
            Http.Response imported = admin.post("/api/config/import", archive);
            assertThat(imported.status()).as(imported.body()).isEqualTo(200);
            assertThat(admin.get("/api/config").json().size()).isEqualTo(5);

            Http.Response tooLarge = admin.put("/api/config/f", publish(Map.of("v1", big, "v2", big)));
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.json().path("detail").asString())
                    .startsWith("publishing f is one transaction of about")
                    .contains("coordinator.max-packet-size");
            assertThat(admin.get("/api/config/f").status()).isEqualTo(404);
        }
    }

    @Test
    void aContextExportsAsDocumentsThatPublishBackToTheSameProperties() throws Exception {
        ConfigurableApplicationContext a = shared;
        Http admin = as(a, "admin", "admin-pw");
        assertThat(admin.put("/api/config/shop,prod", publish(AWKWARD)).status())
                .isEqualTo(200);
        for (String format : List.of("properties", "yaml", "json")) {
            Http.Response text = admin.get("/api/config/shop,prod/export?format=" + format);
            assertThat(text.status()).as(format).isEqualTo(200);
            String target = "shop,from-" + format;
            Http.Response published = admin.put(
                    "/api/config/" + target, Map.of("document", Map.of("format", format, "text", text.body())));
            assertThat(published.status()).as(format + ": " + published.body()).isEqualTo(200);
            assertThat(admin.get("/api/config/" + target + "/export?format=properties")
                            .body())
                    .as(format)
                    .isEqualTo(admin.get("/api/config/shop,prod/export?format=properties")
                            .body());
        }
        // a reader sees masks; exports hold ciphertext and need publish
        assertThat(as(a, "alice", "alice-pw")
                        .get("/api/config/shop,prod/export")
                        .status())
                .isEqualTo(200);
        assertThat(as(a, "viewer", "view").get("/api/config/shop,prod/export").status())
                .isEqualTo(403);
        assertThat(admin.get("/api/config/shop,prod/export?format=toml").status())
                .isEqualTo(400);
    }

    @Test
    void aMalformedDocumentIsRefusedWithItsLineAndNothingLands() throws Exception {
        ConfigurableApplicationContext a = shared;
        Http admin = as(a, "admin", "admin-pw");
        String yaml = "shop:\n  color: blue\n  size: [1, 2\nother: x\n";
        Http.Response refused =
                admin.put("/api/config/shop,malformed", Map.of("document", Map.of("format", "yaml", "text", yaml)));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("detail").asString())
                .startsWith("the yaml document does not parse: line 4, column");
        assertThat(admin.get("/api/config/shop,malformed").status()).isEqualTo(404);

        Http.Response badJson = admin.post(
                "/api/config/shop,malformed/preview",
                Map.of("document", Map.of("format", "json", "text", "{\"a\": 1,, }")));
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.json().path("detail").asString()).contains("line 1, column");
        Http.Response preview = admin.post(
                "/api/config/shop,malformed/preview",
                Map.of("document", Map.of("format", "properties", "text", "a=1\nb=2\n")));
        assertThat(preview.json().path("added").toString()).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
        assertThat(as(a, "viewer", "view").post("/api/config/shop,malformed/preview", Map.of("properties", Map.of())))
                .extracting(Http.Response::status)
                .isEqualTo(403);

        Http.Response both = admin.put(
                "/api/config/shop,malformed",
                Map.of("properties", Map.of(), "document", Map.of("format", "yaml", "text", "a: 1")));
        assertThat(both.status()).isEqualTo(400);
    }

    @Test
    void copyShowsItsDiffThenPublishesIntoTheTarget() throws Exception {
        ConfigurableApplicationContext a = shared;
        Http admin = as(a, "admin", "admin-pw");
        Http alice = as(a, "alice", "alice-pw");
        assertThat(admin.put("/api/config/shop,copy-from", publish(Map.of("color", "blue", "size", "L")))
                        .status())
                .isEqualTo(200);
        assertThat(admin.put("/api/config/shop,copy-to", publish(Map.of("color", "red", "old", "x")))
                        .status())
                .isEqualTo(200);

        Map<String, Object> dry = new LinkedHashMap<>(Map.of("to", "shop,copy-to", "dryRun", true));
        JsonNode preview = alice.post("/api/config/shop,copy-from/copy", dry).json();
        assertThat(preview.path("result").asString()).isEqualTo("changed");
        assertThat(preview.path("diff").path("added").toString()).isEqualTo("{\"size\":\"L\"}");
        assertThat(preview.path("diff").path("removed").toString()).isEqualTo("{\"old\":\"x\"}");
        assertThat(preview.path("diff").path("changed").path("color").path("to").asString())
                .isEqualTo("blue");
        assertThat(admin.get("/api/config/shop,copy-to")
                        .json()
                        .path("properties")
                        .path("color")
                        .asString())
                .isEqualTo("red");

        JsonNode copied = alice.post("/api/config/shop,copy-from/copy", Map.of("to", "shop,copy-to"))
                .json();
        assertThat(copied.path("version").asInt()).isEqualTo(2);
        assertThat(admin.get("/api/config/shop,copy-to")
                        .json()
                        .path("properties")
                        .toString())
                .isEqualTo("{\"color\":\"blue\",\"size\":\"L\"}");
        assertThat(admin.get("/api/config/shop,copy-to/history")
                        .json()
                        .get(0)
                        .path("comment")
                        .asString())
                .isEqualTo("copy of shop,copy-from v1");
        assertThat(alice.post("/api/config/shop,copy-from/copy", Map.of("to", "billing,prod"))
                        .status())
                .isEqualTo(403);
    }
}
