package io.coordinator.server.protocol;

/**
 * A request failed with a ZooKeeper error code. Thrown by validation and preparation; caught where the
 * reply (or the error txn) is built. No stack trace: it is control flow, not a bug.
 */
public final class ZkException extends RuntimeException {
    private final int code;

    public ZkException(int code) {
        this(code, "error " + code);
    }

    public ZkException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
