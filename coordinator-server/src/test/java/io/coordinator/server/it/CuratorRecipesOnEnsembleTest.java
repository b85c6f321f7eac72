package io.coordinator.server.it;

/** {@link CuratorRecipesTest} against a three-server Coordinator ensemble (connect string of all three). */
class CuratorRecipesOnEnsembleTest extends CuratorRecipesTest {
    @Override
    protected Servers.Kind kind() {
        return Servers.Kind.COORDINATOR_ENSEMBLE;
    }
}
