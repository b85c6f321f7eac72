package io.coordinator.trust.history;

/**
 * Something the client's default watcher received: a node event ({@code type} NodeCreated, NodeDeleted,
 * NodeDataChanged, NodeChildrenChanged with its txn's zxid) or a connection state change (type None,
 * {@code state} SyncConnected, Disconnected, Expired...). {@code connection} counts SyncConnected events of
 * the session; {@code seq} orders it among the session's deliveries.
 */
public record WatchEvent(
        int client,
        long session,
        int connection,
        long seq,
        long nanos,
        String type,
        String state,
        String path,
        long zxid) {

    public boolean isNodeEvent() {
        return !"None".equals(type);
    }

    @Override
    public String toString() {
        return isNodeEvent()
                ? String.format(
                        "event c%d s0x%x conn%d seq%d %s %s @0x%x", client, session, connection, seq, type, path, zxid)
                : String.format("state c%d s0x%x conn%d seq%d %s", client, session, connection, seq, state);
    }
}
