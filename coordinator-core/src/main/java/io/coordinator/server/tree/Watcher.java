package io.coordinator.server.tree;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.WatcherEvent;
import java.util.List;

/** Receives watch events. Implemented by client connections. */
public interface Watcher {
    /**
     * @param acl  the ACL of the node the event is about (null for setWatches catch-up events); the connection
     *             drops the event if it lacks READ on it (ZooKeeper 3.9 behaviour)
     * @param zxid the txn's zxid, or -1 for catch-up events
     */
    void process(WatcherEvent event, long zxid, List<Acl> acl);
}
