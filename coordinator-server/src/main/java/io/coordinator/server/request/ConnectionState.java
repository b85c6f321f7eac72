package io.coordinator.server.request;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.Perms;
import io.coordinator.server.protocol.WatcherEvent;
import io.coordinator.server.tree.Acls;
import io.coordinator.server.tree.Watcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The pipeline's state for one client connection: its session, the identities it authenticated as, and
 * its requests in arrival order. It is also the watcher the tree notifies. Used on the pipeline thread only.
 */
final class ConnectionState implements Watcher {
    final ClientConnection connection;
    final long sessionId;
    final List<Id> authIds = new ArrayList<>();
    final Deque<Pending> queue = new ArrayDeque<>();
    private final DirtyConnections dirty;
    boolean closing;

    ConnectionState(ClientConnection connection, long sessionId, DirtyConnections dirty) {
        this.connection = connection;
        this.sessionId = sessionId;
        this.dirty = dirty;
        authIds.add(new Id("ip", connection.remoteAddress()));
    }

    PrepareContext context() {
        return new PrepareContext(sessionId, authIds);
    }

    boolean isSuper() {
        for (Id id : authIds) {
            if ("super".equals(id.scheme())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void process(WatcherEvent event, long zxid, List<Acl> acl) {
        // ZooKeeper 3.9 only tells a connection about nodes it may read.
        if (acl != null && !acl.isEmpty() && !isSuper() && !Acls.permits(acl, Perms.READ, authIds)) {
            return;
        }
        connection.sendNotification(event, zxid);
        dirty.mark(connection);
    }

    /** Collects connections written to, so each is flushed once per batch. */
    interface DirtyConnections {
        void mark(ClientConnection connection);
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(sessionId) + "@" + connection.remoteSocketAddress();
    }
}
