package io.coordinator.server.it;

/** {@link NodeLifecycleTest} against a three-server Coordinator ensemble: the leader reaps, all apply. */
class NodeLifecycleOnEnsembleTest extends NodeLifecycleTest {
    @Override
    protected Servers.Kind kind() {
        return Servers.Kind.COORDINATOR_ENSEMBLE;
    }
}
