package io.coordinator.server.storage;

import java.io.IOException;

/** On-disk state that cannot be trusted and cannot be repaired automatically: startup must stop. */
public class CorruptStorageException extends IOException {
    public CorruptStorageException(String message) {
        super(message);
    }

    public CorruptStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
