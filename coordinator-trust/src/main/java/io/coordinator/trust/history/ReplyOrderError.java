package io.coordinator.trust.history;

/**
 * A reply the official client could not match to its oldest outstanding request (a session's replies must come
 * in request order): the client's own message, with the client, session and time it was seen.
 */
public record ReplyOrderError(int client, long session, long nanos, String message) {
    @Override
    public String toString() {
        return String.format("c%d s0x%x [%d ms] %s", client, session, nanos / 1_000_000, message);
    }
}
