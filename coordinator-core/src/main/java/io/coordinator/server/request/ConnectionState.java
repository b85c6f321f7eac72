package io.coordinator.server.request;

import io.coordinator.server.planted.PlantedBug;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline's state for one client connection: its session, the identities it authenticated as, and
 * its requests in arrival order. It is also the watcher the tree notifies. Used on the pipeline thread only.
 */
final class ConnectionState implements Watcher {
    final ClientConnection connection;
    final long sessionId;
    /**
     * The identities, kept like ZooKeeper keeps them (a ConcurrentHashMap-backed set keyed by jute's Id hash),
     * so whoAmI and "auth" ACL expansion list them in the same order ZooKeeper does.
     */
    private final Set<JuteId> authSet = ConcurrentHashMap.newKeySet();

    private List<Id> authIds = List.of();
    final Deque<Pending> queue = new ArrayDeque<>();
    /** While the server holds its clients through an election: requests that arrived meanwhile, in order. */
    List<Runnable> held;
    /** The pipeline tick the hold began. */
    long heldSinceTick;
    /** The tick a closeSession joined the held requests, or -1: its client is going away and waits a tick at most. */
    long closeHeldSinceTick = -1;

    private final DirtyConnections dirty;
    boolean closing;
    /** The watch limit was hit and logged for this connection (logged once, counted every time). */
    boolean watchLimitLogged;
    /** A SASL login under way on this connection, or null. */
    SaslAuthenticator.Exchange saslExchange;

    ConnectionState(ClientConnection connection, long sessionId, DirtyConnections dirty) {
        this.connection = connection;
        this.sessionId = sessionId;
        this.dirty = dirty;
        addAuth(new Id("ip", connection.remoteAddress()));
        connection.transportIdentities().forEach(this::addAuth);
    }

    void addAuth(Id id) {
        if (authSet.add(new JuteId(id))) {
            List<Id> ids = new ArrayList<>(authSet.size());
            for (JuteId j : authSet) {
                ids.add(j.id());
            }
            authIds = List.copyOf(ids);
        }
    }

    List<Id> authIds() {
        return authIds;
    }

    /** An Id hashed as jute's generated Id.hashCode() hashes it. */
    private record JuteId(Id id) {
        @Override
        public int hashCode() {
            int h = 37 * 17 + (id.scheme() == null ? 0 : id.scheme().hashCode());
            return 37 * h + (id.id() == null ? 0 : id.id().hashCode());
        }
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
        if (PlantedBug.WATCH_EVENT_DROPPED && PlantedBug.everyNth(10)) return; // planted: the event is lost
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
