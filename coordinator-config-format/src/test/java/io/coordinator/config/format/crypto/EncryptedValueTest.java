package io.coordinator.config.format.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncryptedValueTest {
    private static final String SOURCE = "coordinator.client.encryption.keys";
    private final KeyPair shop = ConfigKeys.generate();
    private final ConfigKeys.Public shopPublic = ConfigKeys.publicKey("shop-2026", shop);
    private final ConfigKeys.Private shopPrivate = ConfigKeys.privateKey("shop-2026", shop);

    private String decrypt(String text, ConfigKeys.Private... keys) {
        Map<String, ConfigKeys.Private> ring = new java.util.HashMap<>();
        for (ConfigKeys.Private k : keys) {
            ring.put(k.keyId(), k);
        }
        return EncryptedValue.decrypt(text, ring::get, SOURCE);
    }

    @Test
    void roundTripThroughKeyTexts() {
        ConfigKeys.Public pub = ConfigKeys.parsePublic(shopPublic.text());
        ConfigKeys.Private priv = ConfigKeys.parsePrivate(shopPrivate.text());
        String text = EncryptedValue.encrypt("s3cret-påss", pub);

        assertThat(text).startsWith("{cipher}v1:shop-2026:").doesNotContain("s3cret");
        assertThat(decrypt(text, priv)).isEqualTo("s3cret-påss");
        assertThat(EncryptedValue.encrypt("s3cret-påss", pub))
                .as("fresh ephemeral key and nonce")
                .isNotEqualTo(text);
        assertThat(shopPublic.text()).matches("coordinator-pub-v1:shop-2026:[A-Za-z0-9_-]{43}");
        assertThat(shopPrivate.text()).matches("coordinator-key-v1:shop-2026:[A-Za-z0-9_-]{43}");
        assertThat(shopPrivate.toString()).doesNotContain(shopPrivate.text().substring(29));
    }

    @Test
    void emptyValueRoundTrips() {
        assertThat(decrypt(EncryptedValue.encrypt("", shopPublic), shopPrivate)).isEmpty();
    }

    @Test
    void missingKeyNamesTheKeyId() {
        String text = EncryptedValue.encrypt("x", shopPublic);
        assertThatThrownBy(() -> decrypt(text))
                .isInstanceOf(CryptoException.class)
                .hasMessage("no private key for key id 'shop-2026' (coordinator.client.encryption.keys)");
    }

    @Test
    void wrongKeyWithSameIdIsRefused() {
        ConfigKeys.Private other = ConfigKeys.privateKey("shop-2026", ConfigKeys.generate());
        String text = EncryptedValue.encrypt("x", shopPublic);
        assertThatThrownBy(() -> decrypt(text, other))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("key id 'shop-2026'")
                .hasMessageContaining("not produced for this key or it was changed");
    }

    @Test
    void everyTamperedByteIsRefused() {
        String text = EncryptedValue.encrypt("attack at dawn", shopPublic);
        String b64 = text.substring(text.lastIndexOf(':') + 1);
        byte[] bytes = Base64.getUrlDecoder().decode(b64);
        for (int i = 0; i < bytes.length; i++) {
            byte[] copy = bytes.clone();
            copy[i] ^= 0x01;
            String tampered = "{cipher}v1:shop-2026:"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(copy);
            assertThatThrownBy(() -> decrypt(tampered, shopPrivate))
                    .as("byte %d (ephemeral key 0-31, nonce 32-43, ciphertext and tag after)", i)
                    .isInstanceOf(CryptoException.class)
                    .hasMessageContaining("key id 'shop-2026'");
        }
    }

    @Test
    void relabelledKeyIdIsRefused() {
        // The attacker also holds a key under another id: moving a value there must not decrypt.
        KeyPair same = shop;
        ConfigKeys.Private relabelledKey = ConfigKeys.privateKey("shop-2025", same);
        String text = EncryptedValue.encrypt("x", shopPublic).replace(":shop-2026:", ":shop-2025:");
        assertThatThrownBy(() -> decrypt(text, relabelledKey))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("key id 'shop-2025'")
                .hasMessageContaining("not produced for this key or it was changed");
    }

    @Test
    void rotationKeepsOldValuesReadable() {
        KeyPair next = ConfigKeys.generate();
        ConfigKeys.Private nextPrivate = ConfigKeys.privateKey("shop-2027", next);
        String old = EncryptedValue.encrypt("old-password", shopPublic);
        String fresh = EncryptedValue.encrypt("new-password", ConfigKeys.publicKey("shop-2027", next));

        assertThat(fresh).startsWith("{cipher}v1:shop-2027:");
        assertThat(decrypt(old, shopPrivate, nextPrivate)).isEqualTo("old-password");
        assertThat(decrypt(fresh, shopPrivate, nextPrivate)).isEqualTo("new-password");
        assertThatThrownBy(() -> decrypt(old, nextPrivate)).hasMessageContaining("'shop-2026'");
    }

    @Test
    void malformedValuesAreNamed() {
        assertThatThrownBy(() -> EncryptedValue.parse("plain")).hasMessageContaining("does not start with '{cipher}'");
        assertThatThrownBy(() -> EncryptedValue.parse("{cipher}v2:k:AAAA")).hasMessageContaining("unknown format");
        assertThatThrownBy(() -> EncryptedValue.parse("{cipher}v1:k")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> EncryptedValue.parse("{cipher}v1:bad id:AAAA"))
                .hasMessageContaining("invalid key id 'bad id'");
        assertThatThrownBy(() -> EncryptedValue.parse("{cipher}v1:k1:***"))
                .hasMessage("encrypted value for key id 'k1' is not base64url");
        assertThatThrownBy(() -> EncryptedValue.parse("{cipher}v1:k1:AAAA"))
                .hasMessage("encrypted value for key id 'k1' is truncated");
    }

    @Test
    void malformedKeysAreNamed() {
        assertThatThrownBy(() -> ConfigKeys.parsePrivate("coordinator-pub-v1:k:AAAA"))
                .hasMessageContaining("not a private key text");
        assertThatThrownBy(() -> ConfigKeys.parsePrivate("coordinator-key-v1:k1:AAAA"))
                .hasMessage("key for key id 'k1' has 3 bytes, expected 32");
        assertThatThrownBy(() -> ConfigKeys.parsePublic("coordinator-pub-v1:k1:%%"))
                .hasMessage("key for key id 'k1' is not base64url");
        assertThatThrownBy(() -> ConfigKeys.parsePublic("coordinator-pub-v1:" + "x".repeat(65) + ":AAAA"))
                .hasMessageContaining("invalid key id");
    }

    @Test
    void masksKeepOnlyTheKeyId() {
        String text = EncryptedValue.encrypt("x", shopPublic);
        assertThat(EncryptedValue.mask(text)).isEqualTo("{cipher}v1:shop-2026:***");
        assertThat(EncryptedValue.mask("{cipher}garbage")).isEqualTo("{cipher}***");
        assertThat(EncryptedValue.isEncrypted(text)).isTrue();
        assertThat(EncryptedValue.isEncrypted("plain")).isFalse();
    }
}
