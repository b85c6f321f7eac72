package io.coordinator.server.app;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** Opens an official ZooKeeper client and waits (bounded) until it is connected. */
public final class TestClients {
    private TestClients() {}

    public static ZooKeeper connect(int port) throws Exception {
        return connect("127.0.0.1:" + port);
    }

    public static ZooKeeper connect(String connectString) throws Exception {
        return connect(connectString, 10_000, e -> {});
    }

    /** Waits up to 30 s for SyncConnected; {@code also} sees every event too. */
    public static ZooKeeper connect(String connectString, int sessionTimeout, Watcher also) throws Exception {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        ZooKeeper zk = new ZooKeeper(connectString, sessionTimeout, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.complete(null);
            }
            also.process(e);
        });
        try {
            connected.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | RuntimeException e) {
            zk.close();
            throw new IllegalStateException("could not connect to " + connectString, e);
        }
        return zk;
    }
}
