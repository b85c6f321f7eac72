package io.coordinator.server.it;

/** {@link NodeLifecycleTest} against ZooKeeper. */
class NodeLifecycleOnZooKeeperTest extends NodeLifecycleTest {
    @Override
    protected Servers.Kind kind() {
        return Servers.Kind.ZOOKEEPER;
    }
}
