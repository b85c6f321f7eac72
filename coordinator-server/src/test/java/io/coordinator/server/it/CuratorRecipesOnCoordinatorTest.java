package io.coordinator.server.it;

/** {@link CuratorRecipesTest} against Coordinator. */
class CuratorRecipesOnCoordinatorTest extends CuratorRecipesTest {
    @Override
    protected Servers.Kind kind() {
        return Servers.Kind.COORDINATOR;
    }
}
