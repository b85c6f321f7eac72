package io.coordinator.server.protocol;

/** A record on the wire or on disk that cannot be decoded: truncated, a bad length, an unknown type. */
public class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }
}
