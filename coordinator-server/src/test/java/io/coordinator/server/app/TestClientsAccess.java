package io.coordinator.server.app;

import org.apache.zookeeper.ZooKeeper;

/** {@link TestClients} for tests in other packages. */
public final class TestClientsAccess {
    private TestClientsAccess() {}

    public static ZooKeeper connect(String connectString) throws Exception {
        return TestClients.connect(connectString);
    }
}
