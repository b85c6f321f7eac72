package io.coordinator.trust.history;

/** OK, a definite failure (the server decided it, at a zxid), or unknown (timeout, connection loss, expiry). */
public enum Outcome {
    OK,
    FAIL,
    UNKNOWN
}
