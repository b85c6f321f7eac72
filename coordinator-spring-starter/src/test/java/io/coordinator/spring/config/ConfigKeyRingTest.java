package io.coordinator.spring.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.config.format.crypto.ConfigKeys;
import io.coordinator.config.format.crypto.EncryptedValue;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class ConfigKeyRingTest {
    private final KeyPair pair = ConfigKeys.generate();
    private final String value = EncryptedValue.encrypt("hunter2", ConfigKeys.publicKey("shop-2026", pair));

    private static Binder binder(PropertySource<?> source) {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(source);
        return new Binder(ConfigurationPropertySources.from(sources));
    }

    @Test
    void anEnvironmentVariableServesAKeyIdWithADash() {
        // Relaxed binding turns COORDINATOR_CLIENT_ENCRYPTION_KEYS_SHOP2026 into the map key "shop2026": it cannot
        // spell '-', which is why keys are found by the id inside their text.
        ConfigKeyRing ring = ConfigKeyRing.from(binder(new SystemEnvironmentPropertySource(
                "systemEnvironment",
                Map.of(
                        "COORDINATOR_CLIENT_ENCRYPTION_KEYS_SHOP2026",
                        ConfigKeys.privateKey("shop-2026", pair).text()))));
        assertThat(ring.decrypt(value)).isEqualTo("hunter2");
        assertThat(ring.toString()).isEqualTo("ConfigKeyRing[shop-2026]");
    }

    @Test
    void badKeysAreNamedByTheirProperty(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigKeyRing.from(binder(new MapPropertySource(
                        "test",
                        Map.of("coordinator.client.encryption.keys.shop", "coordinator-key-v1:shop-2026:AAAA")))))
                .hasMessage(
                        "coordinator.client.encryption.keys.shop: key for key id 'shop-2026' has 3 bytes, expected 32");
        Path missing = dir.resolve("missing.key");
        assertThatThrownBy(() -> ConfigKeyRing.from(binder(new MapPropertySource(
                        "test", Map.of("coordinator.client.encryption.keys.shop", "file:" + missing)))))
                .hasMessageStartingWith("coordinator.client.encryption.keys.shop: cannot read key file " + missing);
        assertThatThrownBy(() -> ConfigKeyRing.EMPTY.decrypt(value))
                .hasMessageStartingWith(
                        "no private key for key id 'shop-2026' (set coordinator.client.encryption.keys.");
    }
}
