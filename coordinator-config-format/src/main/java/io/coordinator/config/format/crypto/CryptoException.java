package io.coordinator.config.format.crypto;

/**
 * An encrypted value or a key that cannot be used: malformed text, no key for the key id, or a value that was not
 * produced for this key or was changed. The message names the key id when there is one; it never holds plain text.
 */
public final class CryptoException extends RuntimeException {
    private final String keyId;

    public CryptoException(String keyId, String message) {
        this(keyId, message, null);
    }

    public CryptoException(String keyId, String message, Throwable cause) {
        super(message, cause);
        this.keyId = keyId;
    }

    /** The key id the problem concerns, or null when the text was too malformed to name one. */
    public String keyId() {
        return keyId;
    }
}
