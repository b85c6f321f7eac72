package io.coordinator.server.it;

/** {@link WireBehaviourTest} against Coordinator. */
class WireBehaviourOnCoordinatorTest extends WireBehaviourTest {
    @Override
    protected Servers.Kind kind() {
        return Servers.Kind.COORDINATOR;
    }
}
