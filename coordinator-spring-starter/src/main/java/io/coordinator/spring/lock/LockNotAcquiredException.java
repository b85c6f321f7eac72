package io.coordinator.spring.lock;

/** The lock was not obtained within the wait time. */
public class LockNotAcquiredException extends RuntimeException {
    public LockNotAcquiredException(String message) {
        super(message);
    }

    public LockNotAcquiredException(String message, Throwable cause) {
        super(message, cause);
    }
}
