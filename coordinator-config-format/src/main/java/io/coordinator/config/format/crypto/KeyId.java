package io.coordinator.config.format.crypto;

import java.util.regex.Pattern;

/** Key ids name a key pair in value and key texts: {@code [A-Za-z0-9._-]{1,64}}. */
public final class KeyId {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private KeyId() {}

    public static boolean isValid(String keyId) {
        return keyId != null && VALID.matcher(keyId).matches();
    }

    /** Returns the key id, or throws naming what is wrong with it. */
    public static String require(String keyId) {
        if (!isValid(keyId)) {
            throw new CryptoException(
                    null, "invalid key id '" + keyId + "': expected 1 to 64 characters of A-Z a-z 0-9 . _ -");
        }
        return keyId;
    }
}
