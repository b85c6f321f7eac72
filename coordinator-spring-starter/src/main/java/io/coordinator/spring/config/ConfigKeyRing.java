package io.coordinator.spring.config;

import io.coordinator.config.format.crypto.ConfigKeys;
import io.coordinator.config.format.crypto.CryptoException;
import io.coordinator.config.format.crypto.EncryptedValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * The application's private keys for {@code {cipher}} values, from {@code coordinator.client.encryption.keys.<name>}:
 * each a key text ({@code coordinator-key-v1:<keyId>:...}) or {@code file:/path} to a file holding one. Keys are
 * found by the key id inside the text, so {@code <name>} is free: environment variables cannot spell '-' in a map
 * key, and {@code COORDINATOR_CLIENT_ENCRYPTION_KEYS_SHOP2026} still serves key id {@code shop-2026}.
 */
public final class ConfigKeyRing {
    public static final String PROPERTY = "coordinator.client.encryption.keys";
    public static final ConfigKeyRing EMPTY = new ConfigKeyRing(Map.of());

    private final Map<String, ConfigKeys.Private> byKeyId;

    private ConfigKeyRing(Map<String, ConfigKeys.Private> byKeyId) {
        this.byKeyId = byKeyId;
    }

    /** Reads the keys; a malformed or unreadable one is an error naming its property (never its bytes). */
    public static ConfigKeyRing from(Binder binder) {
        Map<String, String> texts = binder.bind(PROPERTY, Bindable.mapOf(String.class, String.class))
                .orElse(Map.of());
        Map<String, ConfigKeys.Private> keys = new LinkedHashMap<>();
        texts.forEach((name, text) -> {
            String property = PROPERTY + "." + name;
            ConfigKeys.Private key;
            try {
                key = ConfigKeys.parsePrivate(read(property, text));
            } catch (CryptoException e) {
                throw new CryptoException(e.keyId(), property + ": " + e.getMessage(), e);
            }
            keys.put(key.keyId(), key);
        });
        return new ConfigKeyRing(Collections.unmodifiableMap(keys));
    }

    private static String read(String property, String text) {
        if (!text.startsWith("file:")) {
            return text;
        }
        Path file = Path.of(text.substring("file:".length()));
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new CryptoException(null, "cannot read key file " + file + ": " + e, e);
        }
    }

    /** The plain text of an encrypted value; throws naming the key id when there is no key or it does not fit. */
    public String decrypt(String value) {
        return EncryptedValue.decrypt(
                value, byKeyId::get, "set " + PROPERTY + ".<name> to its coordinator-key-v1:... text or file:<path>");
    }

    @Override
    public String toString() {
        return "ConfigKeyRing" + byKeyId.keySet();
    }
}
