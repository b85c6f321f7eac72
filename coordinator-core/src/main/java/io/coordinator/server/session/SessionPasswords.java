package io.coordinator.server.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session passwords as an HMAC of the session id under a secret shared by every server of the ensemble (a
 * configured one, or a random one the first leader replicates), so any server can verify a reconnecting
 * client without each password being replicated. (ZooKeeper seeds
 * Random with the id and a public constant, which lets anyone forge passwords.)
 */
public final class SessionPasswords {
    public static final int LENGTH = 16;
    private final byte[] secret;

    public SessionPasswords(byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("session secret must have at least 16 bytes");
        }
        this.secret = secret.clone();
    }

    /** A new random secret (32 bytes). */
    public static byte[] newSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    /** True when these passwords derive from {@code secret}. */
    public boolean usesSecret(byte[] secret) {
        return Arrays.equals(this.secret, secret);
    }

    public byte[] passwordFor(long sessionId) {
        byte[] id = new byte[8];
        for (int i = 0; i < 8; i++) {
            id[i] = (byte) (sessionId >>> (56 - 8 * i));
        }
        return Arrays.copyOf(hmac(id), LENGTH);
    }

    /**
     * A 32-byte key for {@code purpose}, the same on every member that shares the secret, unrelated to any session
     * password (those are HMACs of 8 bytes; this one of a longer, prefixed message).
     */
    public byte[] derive(String purpose) {
        return hmac(("coordinator-derived-key:" + purpose).getBytes(StandardCharsets.UTF_8));
    }

    private byte[] hmac(byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Constant-time comparison. */
    public boolean matches(long sessionId, byte[] password) {
        return password != null && MessageDigest.isEqual(passwordFor(sessionId), password);
    }
}
