package io.coordinator.server.zab;

/** What a ZAB peer currently does. */
public enum Role {
    LOOKING,
    FOLLOWING,
    LEADING,
    OBSERVING
}
