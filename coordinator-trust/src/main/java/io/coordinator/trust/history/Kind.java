package io.coordinator.trust.history;

/** What an operation in the history does. */
public enum Kind {
    CREATE,
    SET,
    DELETE,
    CHECK,
    MULTI,
    GET,
    EXISTS,
    CHILDREN,
    /** sync(path) then getData(path): one op, invoked at the sync, completed at the read. */
    SYNC_GET;

    public boolean isWrite() {
        return switch (this) {
            case CREATE, SET, DELETE, CHECK, MULTI -> true;
            default -> false;
        };
    }
}
