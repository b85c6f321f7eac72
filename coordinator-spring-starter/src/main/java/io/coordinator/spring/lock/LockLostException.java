package io.coordinator.spring.lock;

/** The lock was lost (connection suspended or session lost) while the method held it. */
public class LockLostException extends RuntimeException {
    public LockLostException(String message) {
        super(message);
    }
}
