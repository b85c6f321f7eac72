package io.coordinator.server.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** Opens an official ZooKeeper client and waits until it is connected. */
public final class TestClients {
    private TestClients() {}

    public static ZooKeeper connect(int port) throws Exception {
        return connect("127.0.0.1:" + port);
    }

    public static ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("could not connect to " + connectString);
        }
        return zk;
    }
}
