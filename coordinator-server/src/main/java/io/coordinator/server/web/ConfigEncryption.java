package io.coordinator.server.web;

import io.coordinator.config.format.crypto.ConfigKeys;
import io.coordinator.config.format.crypto.CryptoException;
import io.coordinator.config.format.crypto.EncryptedValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Encrypts configuration values for applications with their public keys ({@code
 * coordinator.web.encryption.public-keys.*}) and masks {@code {cipher}} values in REST answers. The server has no
 * private key: it can seal a value but never read one.
 */
public final class ConfigEncryption {
    static final String PROPERTY = "coordinator.web.encryption.public-keys";
    private final Map<String, ConfigKeys.Public> byKeyId;

    /** Parses every configured key; a malformed one stops startup naming its property. */
    public ConfigEncryption(WebProperties props) {
        Map<String, ConfigKeys.Public> keys = new LinkedHashMap<>();
        props.getEncryption().getPublicKeys().forEach((name, text) -> {
            try {
                ConfigKeys.Public key = ConfigKeys.parsePublic(text);
                keys.put(key.keyId(), key);
            } catch (CryptoException e) {
                throw new IllegalStateException(PROPERTY + "." + name + ": " + e.getMessage(), e);
            }
        });
        this.byKeyId = Collections.unmodifiableMap(keys);
    }

    /** The key ids values can be encrypted for, sorted. */
    public List<String> keyIds() {
        return List.copyOf(new TreeSet<>(byKeyId.keySet()));
    }

    /** {@code value} sealed for {@code keyId}; 400 naming the known key ids when there is no such public key. */
    public String encrypt(String value, String keyId) {
        ConfigKeys.Public key = keyId == null ? null : byKeyId.get(keyId);
        if (key == null) {
            throw ApiException.badRequest("no public key for key id '" + keyId + "' (" + PROPERTY + "); known: "
                    + new TreeSet<>(byKeyId.keySet()));
        }
        return EncryptedValue.encrypt(value, key);
    }

    /**
     * The properties to store for a publish: a mask that matches the current value of its property stands for that
     * ciphertext (a console or client that read the masked view publishes it back unchanged); any other {@code
     * {cipher}} value must be a well-formed encrypted value. 400 naming the property otherwise.
     */
    public static Map<String, String> unmask(Map<String, String> incoming, Map<String, String> current) {
        Map<String, String> out = new LinkedHashMap<>();
        incoming.forEach((k, v) -> {
            if (EncryptedValue.isEncrypted(v)) {
                String now = current.get(k);
                if (now != null && EncryptedValue.isEncrypted(now) && v.equals(EncryptedValue.mask(now))) {
                    out.put(k, now);
                    return;
                }
                try {
                    EncryptedValue.parse(v);
                } catch (CryptoException e) {
                    throw ApiException.badRequest("property " + k + ": " + e.getMessage()
                            + (v.endsWith("***") ? " (a mask stands only for the property's current value)" : ""));
                }
            }
            out.put(k, v);
        });
        return out;
    }

    /** {@code {cipher}} values as {@code {cipher}v1:<keyId>:***}, the others as they are. */
    public static Map<String, String> mask(Map<String, String> properties) {
        if (properties == null) {
            return null;
        }
        Map<String, String> out = new TreeMap<>();
        properties.forEach((k, v) -> out.put(k, mask(v)));
        return out;
    }

    /** A diff as answered: an encrypted side shows as its mask (the entry says it changed, not from what to what). */
    public static ConfigStore.Diff mask(ConfigStore.Diff d) {
        Map<String, ConfigStore.Change> changed = new TreeMap<>();
        d.changed().forEach((k, ch) -> changed.put(k, new ConfigStore.Change(mask(ch.from()), mask(ch.to()))));
        return new ConfigStore.Diff(d.context(), d.from(), d.to(), mask(d.added()), mask(d.removed()), changed);
    }

    public static String mask(String value) {
        return EncryptedValue.isEncrypted(value) ? EncryptedValue.mask(value) : value;
    }
}
