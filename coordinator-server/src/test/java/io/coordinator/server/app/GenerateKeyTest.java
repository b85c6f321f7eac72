package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.config.format.crypto.ConfigKeys;
import io.coordinator.config.format.crypto.EncryptedValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerateKeyTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return GenerateKey.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsAMatchingKeyPairWithInstructions() {
        assertThat(GenerateKey.isCommand(new String[] {"generate-key", "shop-2026"}))
                .isTrue();
        assertThat(run("generate-key", "shop-2026")).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).contains("coordinator.client.encryption.keys");
        assertThat(lines.get(2)).contains("coordinator.web.encryption.public-keys");
        ConfigKeys.Private priv = ConfigKeys.parsePrivate(lines.get(1));
        ConfigKeys.Public pub = ConfigKeys.parsePublic(lines.get(3));
        assertThat(priv.keyId()).isEqualTo("shop-2026");
        assertThat(EncryptedValue.parse(EncryptedValue.encrypt("v", pub)).decrypt(priv))
                .isEqualTo("v");
    }

    @Test
    void refusesAMissingOrInvalidKeyId() {
        assertThat(run("generate-key")).isEqualTo(2);
        assertThat(run("generate-key", "bad id")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: generate-key <keyId>");
        assertThat(out.size()).isZero();
    }
}
