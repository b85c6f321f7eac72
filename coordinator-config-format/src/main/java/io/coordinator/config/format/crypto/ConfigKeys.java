package io.coordinator.config.format.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * X25519 key pairs and their text forms. Both texts carry the raw 32 key bytes (RFC 7748), base64url without
 * padding:
 *
 * <ul>
 *   <li>public: {@code coordinator-pub-v1:<keyId>:<base64url 32 bytes>} (for the server, console and REST, which
 *       encrypt);
 *   <li>private: {@code coordinator-key-v1:<keyId>:<base64url 32 bytes>} (for the application, which decrypts).
 * </ul>
 *
 * The JDK reads keys only in X.509 / PKCS#8 form; for X25519 those are a fixed header followed by the raw bytes,
 * so converting is prepending or stripping that header.
 */
public final class ConfigKeys {
    public static final String PUBLIC_PREFIX = "coordinator-pub-v1:";
    public static final String PRIVATE_PREFIX = "coordinator-key-v1:";
    static final int KEY_LEN = 32;
    static final byte[] X509_HEADER = HexFormat.of().parseHex("302a300506032b656e032100");
    private static final byte[] PKCS8_HEADER = HexFormat.of().parseHex("302e020100300506032b656e04220420");

    private ConfigKeys() {}

    /** A public key with its id, ready to encrypt. */
    public record Public(String keyId, PublicKey key) {
        public String text() {
            return PUBLIC_PREFIX + keyId + ":" + b64(raw(key.getEncoded(), X509_HEADER));
        }
    }

    /** A private key with its id, ready to decrypt. {@link #toString()} does not show the key. */
    public record Private(String keyId, PrivateKey key) {
        public String text() {
            return PRIVATE_PREFIX + keyId + ":" + b64(raw(key.getEncoded(), PKCS8_HEADER));
        }

        @Override
        public String toString() {
            return "Private[keyId=" + keyId + "]";
        }
    }

    /** A fresh X25519 key pair; name it with {@link #publicKey} and {@link #privateKey}. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("X25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available in this JDK", e);
        }
    }

    public static Public publicKey(String keyId, KeyPair pair) {
        return new Public(KeyId.require(keyId), pair.getPublic());
    }

    public static Private privateKey(String keyId, KeyPair pair) {
        return new Private(KeyId.require(keyId), pair.getPrivate());
    }

    /** Parses a public key text; errors name the key id when the text has one, never the key bytes. */
    public static Public parsePublic(String text) {
        String[] parts = split(text, PUBLIC_PREFIX, "public");
        try {
            byte[] der = concat(X509_HEADER, decode(parts[1], parts[2]));
            return new Public(parts[1], KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(der)));
        } catch (GeneralSecurityException e) {
            throw new CryptoException(parts[1], "public key for key id '" + parts[1] + "' is not an X25519 key", e);
        }
    }

    /** Parses a private key text; errors name the key id when the text has one, never the key bytes. */
    public static Private parsePrivate(String text) {
        String[] parts = split(text, PRIVATE_PREFIX, "private");
        try {
            byte[] der = concat(PKCS8_HEADER, decode(parts[1], parts[2]));
            return new Private(
                    parts[1], KeyFactory.getInstance("X25519").generatePrivate(new PKCS8EncodedKeySpec(der)));
        } catch (GeneralSecurityException e) {
            throw new CryptoException(parts[1], "private key for key id '" + parts[1] + "' is not an X25519 key", e);
        }
    }

    private static String[] split(String text, String prefix, String kind) {
        String t = text == null ? "" : text.strip();
        if (!t.startsWith(prefix)) {
            throw new CryptoException(null, "not a " + kind + " key text: expected '" + prefix + "<keyId>:<key>'");
        }
        String[] parts = t.split(":", -1);
        if (parts.length != 3) {
            throw new CryptoException(null, "not a " + kind + " key text: expected '" + prefix + "<keyId>:<key>'");
        }
        KeyId.require(parts[1]);
        return parts;
    }

    private static byte[] decode(String keyId, String b64) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new CryptoException(keyId, "key for key id '" + keyId + "' is not base64url", e);
        }
        if (raw.length != KEY_LEN) {
            throw new CryptoException(
                    keyId, "key for key id '" + keyId + "' has " + raw.length + " bytes, expected " + KEY_LEN);
        }
        return raw;
    }

    static byte[] raw(byte[] encoded, byte[] header) {
        if (encoded.length != header.length + KEY_LEN
                || !Arrays.equals(Arrays.copyOf(encoded, header.length), header)) {
            throw new IllegalStateException("unexpected X25519 key encoding from the JDK");
        }
        return Arrays.copyOfRange(encoded, header.length, encoded.length);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
