package io.coordinator.server.it;

/** {@link CuratorRecipesTest} against ZooKeeper. */
class CuratorRecipesOnZooKeeperTest extends CuratorRecipesTest {
    @Override
    protected Servers.Kind kind() {
        return Servers.Kind.ZOOKEEPER;
    }
}
