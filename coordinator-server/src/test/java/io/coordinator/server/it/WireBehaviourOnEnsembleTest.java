package io.coordinator.server.it;

/**
 * {@link WireBehaviourTest} against a three-server Coordinator ensemble in this JVM: official clients get
 * all three addresses, raw-socket tests and four-letter words talk to one follower ({@link #port()}), so
 * their writes are forwarded to the leader and answered once applied on the follower.
 */
class WireBehaviourOnEnsembleTest extends WireBehaviourTest {
    @Override
    protected Servers.Kind kind() {
        return Servers.Kind.COORDINATOR_ENSEMBLE;
    }
}
