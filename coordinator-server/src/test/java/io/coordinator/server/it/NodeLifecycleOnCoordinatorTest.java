package io.coordinator.server.it;

/** {@link NodeLifecycleTest} against Coordinator. */
class NodeLifecycleOnCoordinatorTest extends NodeLifecycleTest {
    @Override
    protected Servers.Kind kind() {
        return Servers.Kind.COORDINATOR;
    }
}
