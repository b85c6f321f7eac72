package io.coordinator.server.it;

/** {@link WireBehaviourTest} against Apache ZooKeeper 3.9.5: the reference the suite is validated on. */
class WireBehaviourOnZooKeeperTest extends WireBehaviourTest {
    @Override
    protected Servers.Kind kind() {
        return Servers.Kind.ZOOKEEPER;
    }
}
