package io.coordinator.server.it;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** The official ZooKeeper client, connected before it is handed out. */
final class OfficialClients {
    private OfficialClients() {}

    /** Waits (bounded) for SyncConnected; {@code also} sees every event too. */
    static ZooKeeper connect(String connectString, int sessionTimeout, Watcher also) throws Exception {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        ZooKeeper z = new ZooKeeper(connectString, sessionTimeout, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.complete(null);
            }
            also.process(e);
        });
        try {
            connected.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            z.close();
            throw e;
        }
        return z;
    }
}
