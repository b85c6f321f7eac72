package io.coordinator.config.format.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An encrypted configuration value, {@code {cipher}v1:<keyId>:<base64url(ephemeral public 32 || nonce 12 ||
 * ciphertext+tag)>}, sealed ECIES style so that whoever encrypts needs only the public key:
 *
 * <ol>
 *   <li>a fresh ephemeral X25519 key pair; shared = X25519(ephemeral private, recipient public);
 *   <li>key = HKDF-SHA256(shared, salt = ephemeral public || recipient public, info = "coordinator-config-v1");
 *   <li>AES-256-GCM, random 12-byte nonce, AAD = the key id, so a value cannot be relabelled to another key id.
 * </ol>
 */
public record EncryptedValue(String keyId, byte[] ephemeralPublic, byte[] nonce, byte[] sealed) {
    public static final String PREFIX = "{cipher}";
    private static final String VERSION = "v1:";
    private static final byte[] INFO = "coordinator-config-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_LEN = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Whether a stored value is meant to be encrypted (whether or not it is well formed). */
    public static boolean isEncrypted(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /**
     * What operators see instead of an encrypted value: {@code {cipher}v1:<keyId>:***}, or {@code {cipher}***} when
     * the text does not name a valid key id. Never any ciphertext or plain text.
     */
    public static String mask(String value) {
        String rest = value.substring(PREFIX.length());
        if (rest.startsWith(VERSION)) {
            int end = rest.indexOf(':', VERSION.length());
            if (end > 0 && KeyId.isValid(rest.substring(VERSION.length(), end))) {
                return PREFIX + rest.substring(0, end) + ":***";
            }
        }
        return PREFIX + "***";
    }

    /** Parses the text form; errors say what is wrong and name the key id once it is known. */
    public static EncryptedValue parse(String text) {
        if (!isEncrypted(text)) {
            throw new CryptoException(null, "not an encrypted value: it does not start with '" + PREFIX + "'");
        }
        String rest = text.substring(PREFIX.length()).strip();
        if (!rest.startsWith(VERSION)) {
            throw new CryptoException(null, "encrypted value has an unknown format: expected '" + PREFIX + "v1:'");
        }
        String[] parts = rest.split(":", -1);
        if (parts.length != 3) {
            throw new CryptoException(
                    null, "encrypted value is malformed: expected '" + PREFIX + "v1:<keyId>:<base64url>'");
        }
        String keyId = KeyId.require(parts[1]);
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new CryptoException(keyId, "encrypted value for key id '" + keyId + "' is not base64url", e);
        }
        int head = ConfigKeys.KEY_LEN + NONCE_LEN;
        if (bytes.length < head + TAG_BITS / 8) {
            throw new CryptoException(keyId, "encrypted value for key id '" + keyId + "' is truncated");
        }
        return new EncryptedValue(
                keyId,
                Arrays.copyOfRange(bytes, 0, ConfigKeys.KEY_LEN),
                Arrays.copyOfRange(bytes, ConfigKeys.KEY_LEN, head),
                Arrays.copyOfRange(bytes, head, bytes.length));
    }

    /** Encrypts {@code plain} for the holder of the private key matching {@code recipient}. */
    public static String encrypt(String plain, ConfigKeys.Public recipient) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("X25519");
            gen.initialize(NamedParameterSpec.X25519, RANDOM);
            KeyPair ephemeral = gen.generateKeyPair();
            byte[] ephemeralRaw = ConfigKeys.raw(ephemeral.getPublic().getEncoded(), ConfigKeys.X509_HEADER);
            byte[] recipientRaw = ConfigKeys.raw(recipient.key().getEncoded(), ConfigKeys.X509_HEADER);
            KeyAgreement ka = KeyAgreement.getInstance("X25519");
            ka.init(ephemeral.getPrivate());
            ka.doPhase(recipient.key(), true);
            byte[] key = Hkdf.derive(ka.generateSecret(), ConfigKeys.concat(ephemeralRaw, recipientRaw), INFO, 32);
            byte[] nonce = new byte[NONCE_LEN];
            RANDOM.nextBytes(nonce);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            gcm.updateAAD(recipient.keyId().getBytes(StandardCharsets.UTF_8));
            byte[] sealed = gcm.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return new EncryptedValue(recipient.keyId(), ephemeralRaw, nonce, sealed).text();
        } catch (GeneralSecurityException e) {
            throw new CryptoException(recipient.keyId(), "cannot encrypt for key id '" + recipient.keyId() + "'", e);
        }
    }

    /**
     * Decrypts {@code text} with the private key {@code keys} gives for its key id ({@code null} when there is
     * none); {@code keySource} says where keys come from, for the message when one is missing.
     */
    public static String decrypt(String text, Function<String, ConfigKeys.Private> keys, String keySource) {
        EncryptedValue value = parse(text);
        ConfigKeys.Private key = keys.apply(value.keyId());
        if (key == null) {
            throw new CryptoException(
                    value.keyId(), "no private key for key id '" + value.keyId() + "' (" + keySource + ")");
        }
        return value.decrypt(key);
    }

    /** Decrypts with {@code key}, which must have this value's key id. */
    public String decrypt(ConfigKeys.Private key) {
        if (!key.keyId().equals(keyId)) {
            throw new CryptoException(
                    keyId, "value is encrypted for key id '" + keyId + "', not for key id '" + key.keyId() + "'");
        }
        try {
            KeyFactory kf = KeyFactory.getInstance("X25519");
            var ephemeral = kf.generatePublic(
                    new X509EncodedKeySpec(ConfigKeys.concat(ConfigKeys.X509_HEADER, ephemeralPublic)));
            KeyAgreement ka = KeyAgreement.getInstance("X25519");
            ka.init(key.key());
            ka.doPhase(ephemeral, true);
            byte[] shared = ka.generateSecret();
            byte[] recipientRaw = publicOf(key);
            byte[] aesKey = Hkdf.derive(shared, ConfigKeys.concat(ephemeralPublic, recipientRaw), INFO, 32);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            gcm.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
            return new String(gcm.doFinal(sealed), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw notForThisKey(e);
        } catch (GeneralSecurityException e) {
            // A low-order ephemeral point makes X25519 fail: the value was changed.
            throw notForThisKey(e);
        }
    }

    private CryptoException notForThisKey(Exception cause) {
        return new CryptoException(
                keyId,
                "encrypted value for key id '" + keyId
                        + "' does not decrypt: it was not produced for this key or it was changed",
                cause);
    }

    /** The text form. */
    public String text() {
        byte[] all = ConfigKeys.concat(ConfigKeys.concat(ephemeralPublic, nonce), sealed);
        return PREFIX + VERSION + keyId + ":" + ConfigKeys.b64(all);
    }

    /** The raw public key of a private key: X25519(scalar, base point 9). */
    private static byte[] publicOf(ConfigKeys.Private key) throws GeneralSecurityException {
        byte[] base = new byte[ConfigKeys.KEY_LEN];
        base[0] = 9;
        KeyAgreement ka = KeyAgreement.getInstance("X25519");
        ka.init(key.key());
        ka.doPhase(
                KeyFactory.getInstance("X25519")
                        .generatePublic(new X509EncodedKeySpec(ConfigKeys.concat(ConfigKeys.X509_HEADER, base))),
                true);
        return ka.generateSecret();
    }
}
