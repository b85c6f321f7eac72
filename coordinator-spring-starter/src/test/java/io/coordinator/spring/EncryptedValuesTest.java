package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.coordinator.config.format.crypto.ConfigKeys;
import io.coordinator.config.format.crypto.EncryptedValue;
import io.coordinator.spring.actuator.CoordinatorConfigHealthIndicator;
import io.coordinator.spring.actuator.CoordinatorEndpoint;
import io.coordinator.spring.config.CoordinatorConfigWatcher;
import io.coordinator.spring.config.CoordinatorPropertySource;
import io.coordinator.spring.test.ConfigClientApp;
import io.coordinator.spring.test.CoordinatorServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** {@code {cipher}} values: plain text in the application, ciphertext on the server and in the local copy. */
@Timeout(180)
@ExtendWith(OutputCaptureExtension.class)
class EncryptedValuesTest {
    @RegisterExtension
    static final CoordinatorServerExtension server = new CoordinatorServerExtension();

    private static final KeyPair OLD = ConfigKeys.generate();
    private static final KeyPair NEW = ConfigKeys.generate();
    private static final ConfigKeys.Public OLD_PUBLIC = ConfigKeys.publicKey("shop-2026", OLD);
    private static final ConfigKeys.Public NEW_PUBLIC = ConfigKeys.publicKey("shop-2027", NEW);

    public static class Db {
        @Value("${db.password}")
        volatile String password;

        @Value("${api.token}")
        volatile String token;
    }

    @ConfigurationProperties("db")
    public static class DbProperties {
        private String password;

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableConfigurationProperties(DbProperties.class)
    static class App {
        @Bean
        Db db() {
            return new Db();
        }
    }

    @Test
    void decryptsWithRotatedKeysWhileServerAndLocalCopyHoldCiphertext(@TempDir Path dir, CapturedOutput output)
            throws Exception {
        String oldValue = EncryptedValue.encrypt("hunter2", OLD_PUBLIC);
        String newValue = EncryptedValue.encrypt("tok-2027", NEW_PUBLIC);
        server.set("/config/enc-app/db.password", oldValue);
        server.set("/config/enc-app/api.token", newValue);
        Path newKeyFile = dir.resolve("shop-2027.key");
        Files.writeString(newKeyFile, ConfigKeys.privateKey("shop-2027", NEW).text() + "\n");
        Path copies = dir.resolve("copies");

        try (ConfigurableApplicationContext ctx = ConfigClientApp.run(
                App.class,
                "enc-app",
                server.connectString(),
                "--coordinator.client.registration.enabled=false",
                "--coordinator.client.config.local-copy=" + copies,
                "--management.endpoints.web.exposure.include=coordinator",
                // the map key is only a label: the key id comes from the key text
                "--coordinator.client.encryption.keys.shop2026="
                        + ConfigKeys.privateKey("shop-2026", OLD).text(),
                "--coordinator.client.encryption.keys.next=file:" + newKeyFile)) {
            Db db = ctx.getBean(Db.class);
            assertThat(db.password).isEqualTo("hunter2");
            assertThat(db.token).isEqualTo("tok-2027");
            DbProperties props = ctx.getBean(DbProperties.class);
            assertThat(props.getPassword()).isEqualTo("hunter2");
            assertThat(ctx.getBean(CoordinatorEndpoint.class).coordinator().toString())
                    .doesNotContain("hunter2")
                    .doesNotContain("tok-2027");

            String znode =
                    new String(server.admin().getData().forPath("/config/enc-app/db.password"), StandardCharsets.UTF_8);
            assertThat(znode).isEqualTo(oldValue).doesNotContain("hunter2");
            assertThat(localCopyText(copies))
                    .contains(oldValue.substring(oldValue.lastIndexOf(':') + 1)) // ':' is escaped there
                    .doesNotContain("hunter2")
                    .doesNotContain("tok-2027");

            // a live change to a value for a key the application lacks keeps the last good value, named
            server.set(
                    "/config/enc-app/db.password",
                    EncryptedValue.encrypt("lost", ConfigKeys.publicKey("shop-2099", ConfigKeys.generate())));
            CoordinatorPropertySource source = ctx.getBean(CoordinatorConfigWatcher.class).sources().stream()
                    .filter(s -> s.path().equals("/config/enc-app"))
                    .findFirst()
                    .orElseThrow();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !source.undecryptable().isEmpty());
            assertThat(source.undecryptable().get("db.password")).contains("no private key for key id 'shop-2099'");
            assertThat(ctx.getEnvironment().getProperty("db.password")).isEqualTo("hunter2");
            Health degraded =
                    ctx.getBean(CoordinatorConfigHealthIndicator.class).health(true);
            assertThat(degraded.getStatus()).isEqualTo(CoordinatorConfigHealthIndicator.DEGRADED);
            assertThat(degraded.getDetails().toString())
                    .contains("undecryptable")
                    .contains("'shop-2099'");
            assertThat(output).contains("property db.password: no private key for key id 'shop-2099'");

            // re-encrypted under the new key: refreshed live
            server.set("/config/enc-app/db.password", EncryptedValue.encrypt("hunter3", NEW_PUBLIC));
            await().atMost(Duration.ofSeconds(20)).until(() -> "hunter3".equals(db.password));
            await().atMost(Duration.ofSeconds(20)).until(() -> "hunter3".equals(props.getPassword()));
            assertThat(source.undecryptable()).isEmpty();
            assertThat(output)
                    .doesNotContain("hunter2")
                    .doesNotContain("hunter3")
                    .doesNotContain("tok-2027");
        }
    }

    /** A key the value does not name, and a key under the right id that does not decrypt it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            quoteCharacter = '"',
            value = {
                "nokey-app, next, shop-2027, \"Configuration /config/nokey-app property db.password: no private key for key id 'shop-2026'\"",
                "wrongkey-app, shop2026, shop-2026, \"encrypted value for key id 'shop-2026' does not decrypt\""
            })
    void startupFailsNamingTheKeyId(String app, String keyName, String keyId, String expected) throws Exception {
        server.set("/config/" + app + "/db.password", EncryptedValue.encrypt("hunter2", OLD_PUBLIC));
        server.set("/config/" + app + "/api.token", "plain");
        assertThatThrownBy(() -> ConfigClientApp.run(
                        App.class,
                        app,
                        server.connectString(),
                        "--coordinator.client.registration.enabled=false",
                        "--coordinator.client.encryption.keys." + keyName + "="
                                + ConfigKeys.privateKey(keyId, NEW).text()))
                .hasStackTraceContaining(expected)
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("hunter2"));
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    private static String localCopyText(Path dir) throws Exception {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }
}
