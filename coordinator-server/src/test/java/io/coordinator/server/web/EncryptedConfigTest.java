package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coordinator.config.format.crypto.ConfigKeys;
import io.coordinator.config.format.crypto.EncryptedValue;
import io.coordinator.server.StandaloneAppTest;
import io.coordinator.server.StandaloneTestProperties;
import io.coordinator.server.app.TestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Encrypted configuration values through the REST API: the server encrypts with a public key only, answers masks,
 * and the znode, the history and the files under the data dir hold ciphertext, never the plain text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EncryptedConfigTest extends StandaloneAppTest {
    static final KeyPair SHOP = ConfigKeys.generate();
    static final ConfigKeys.Private SHOP_PRIVATE = ConfigKeys.privateKey("shop-2026", SHOP);
    static final String PLAIN = "plain-hunter2-secret";
    static Path dataDir;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        dataDir = StandaloneTestProperties.register(r, "coordinator-encrypted");
        StandaloneTestProperties.user(r, "admin", "admin-pw", "ADMIN");
        StandaloneTestProperties.user(r, "viewer", "view", "READ_ONLY");
        // the wire client below reads as the viewer (configuration is closed to anonymous wire clients)
        StandaloneTestProperties.wireDigest(r, "viewer", "view");
        r.add(
                "coordinator.web.encryption.public-keys.shop",
                () -> ConfigKeys.publicKey("shop-2026", SHOP).text());
        r.add("coordinator.snapshot-every-txns", () -> "5");
    }

    Http admin;
    Http viewer;
    ZooKeeper zk;

    @BeforeAll
    void connect() throws Exception {
        admin = new Http(port, "admin", "admin-pw");
        viewer = new Http(port, "viewer", "view");
        zk = TestClients.connect(server.clientPortNumber());
        zk.addAuthInfo("digest", "viewer:view".getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    void close() throws Exception {
        zk.close();
    }

    private String encrypt(String context, String value, String keyId) {
        Http.Response r = admin.post("/api/config/" + context + "/encrypt", Map.of("value", value, "keyId", keyId));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("value").asString();
    }

    @Test
    void encryptsMasksAndStoresOnlyCiphertext() throws Exception {
        String cipher = encrypt("shop", PLAIN, "shop-2026");
        assertThat(cipher).startsWith("{cipher}v1:shop-2026:").doesNotContain(PLAIN);
        assertThat(EncryptedValue.decrypt(cipher, id -> id.equals("shop-2026") ? SHOP_PRIVATE : null, "test"))
                .isEqualTo(PLAIN);

        Http.Response published = admin.put(
                "/api/config/shop",
                Map.of("properties", Map.of("db.password", cipher, "db.user", "app"), "comment", "v1"));
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        assertThat(published.body()).doesNotContain(cipher);
        String mask = "{cipher}v1:shop-2026:***";

        // REST answers: the current view, the version, the history list
        assertThat(viewer.get("/api/config/shop")
                        .json()
                        .path("properties")
                        .path("db.password")
                        .asString())
                .isEqualTo(mask);
        assertThat(viewer.get("/api/config/shop/history/1")
                        .json()
                        .path("properties")
                        .path("db.password")
                        .asString())
                .isEqualTo(mask);
        assertThat(viewer.get("/api/config/shop/history").body()).doesNotContain(cipher);

        // the znode and the history entry hold the ciphertext
        assertThat(new String(zk.getData("/config/shop/db.password", false, null), StandardCharsets.UTF_8))
                .isEqualTo(cipher);
        // the raw znode API shows the mask too, and refuses a mask written back (it would destroy the value)
        Http.Response raw = viewer.get("/api/znodes/config/shop/db.password");
        assertThat(raw.json().path("data").asString()).isEqualTo(mask);
        assertThat(raw.body()).doesNotContain(cipher);
        Http.Response maskBack = admin.put("/api/znodes/config/shop/db.password", Map.of("data", mask));
        assertThat(maskBack.status()).isEqualTo(400);
        assertThat(maskBack.json().path("detail").asString()).contains("the mask of an encrypted value");
        assertThat(new String(zk.getData("/config/shop/db.password", false, null), StandardCharsets.UTF_8))
                .isEqualTo(cipher);

        // publishing back the masked view (as the console does) keeps the ciphertext
        Map<String, String> view = Map.of("db.password", mask, "db.user", "app2");
        assertThat(admin.put("/api/config/shop", Map.of("properties", view)).status())
                .isEqualTo(200);
        assertThat(new String(zk.getData("/config/shop/db.password", false, null), StandardCharsets.UTF_8))
                .isEqualTo(cipher);

        // a new encrypted value: the diff says changed, showing masks on both sides
        String cipher2 = encrypt("shop", PLAIN + "-2", "shop-2026");
        assertThat(admin.put(
                                "/api/config/shop",
                                Map.of("properties", Map.of("db.password", cipher2, "db.user", "app2")))
                        .status())
                .isEqualTo(200);
        Http.Response diff = viewer.get("/api/config/shop/diff?from=1&to=3");
        assertThat(diff.json().path("changed").path("db.password").path("from").asString())
                .isEqualTo(mask);
        assertThat(diff.json().path("changed").path("db.password").path("to").asString())
                .isEqualTo(mask);
        assertThat(diff.json().path("changed").path("db.user").path("to").asString())
                .isEqualTo("app2");
        assertThat(diff.body()).doesNotContain(cipher).doesNotContain(cipher2);

        // a rollback republishes the stored ciphertext (not the mask) and answers the mask
        Http.Response rollback = admin.post("/api/config/shop/rollback", Map.of("version", 1));
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        assertThat(rollback.json().path("properties").path("db.password").asString())
                .isEqualTo(mask);
        assertThat(new String(zk.getData("/config/shop/db.password", false, null), StandardCharsets.UTF_8))
                .isEqualTo(cipher);

        // history znodes (read with the ZooKeeper client) hold ciphertext only
        StringBuilder history = new StringBuilder();
        for (String v : zk.getChildren("/coordinator/history/shop", false)) {
            history.append(
                    new String(zk.getData("/coordinator/history/shop/" + v, false, null), StandardCharsets.UTF_8));
        }
        assertThat(history).contains(cipher).contains(cipher2).doesNotContain(PLAIN);

        // the data dir: a snapshot taken after the publishes holds the ciphertext, no file holds the plain text
        byte[] cipherBytes = cipher2.getBytes(StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> files().stream()
                        .anyMatch(f -> f.getFileName().toString().startsWith("snapshot.") && contains(f, cipherBytes)));
        byte[] plainBytes = PLAIN.getBytes(StandardCharsets.UTF_8);
        for (Path f : files()) {
            assertThat(contains(f, plainBytes)).as(f.toString()).isFalse();
        }
    }

    @Test
    void encryptNeedsAKnownKeyIdAndPublishRefusesForeignMasksAndMalformedValues() {
        Http.Response unknown = admin.post("/api/config/shop/encrypt", Map.of("value", "x", "keyId", "shop-2099"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body())
                .contains("no public key for key id 'shop-2099'")
                .contains("shop-2026");
        assertThat(viewer.post("/api/config/shop/encrypt", Map.of("value", "x", "keyId", "shop-2026"))
                        .status())
                .isEqualTo(403);

        Http.Response mask =
                admin.put("/api/config/other", Map.of("properties", Map.of("db.password", "{cipher}v1:shop-2026:***")));
        assertThat(mask.status()).isEqualTo(400);
        assertThat(mask.body()).contains("property db.password").contains("a mask stands only for");
        Http.Response malformed =
                admin.put("/api/config/other", Map.of("properties", Map.of("db.password", "{cipher}v1:k1:AAAA")));
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body()).contains("property db.password: encrypted value for key id 'k1' is truncated");
    }

    private static List<Path> files() throws Exception {
        try (Stream<Path> s = Files.walk(dataDir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static boolean contains(Path file, byte[] needle) {
        byte[] hay;
        try {
            hay = Files.readAllBytes(file);
        } catch (Exception gone) {
            return false; // a temp file renamed meanwhile
        }
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
