package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.zookeeper.proto.ConnectResponse;
import org.junit.jupiter.api.Test;

/** {@link WireBehaviourTest} against Apache ZooKeeper 3.9.5: the reference the suite is validated on. */
class WireBehaviourOnZooKeeperTest extends WireBehaviourTest {
    @Override
    protected Servers.Kind kind() {
        return Servers.Kind.ZOOKEEPER;
    }

    /**
     * Documents the reference behaviour that Coordinator deliberately does not copy (see
     * {@code WireBehaviourOnCoordinatorTest#wrongPasswordDoesNotDisturbTheLiveConnection}): ZooKeeper 3.9.5
     * closes the session's live connection before it checks the password of a reconnect attempt.
     */
    @Test
    void zooKeeperCutsTheLiveConnectionOnAWrongPasswordReconnect() throws Exception {
        reconnectWithWrongPassword((owner, thief, r) -> {
            assertThat(owner.closedByPeer()).isTrue();
            // the session itself survives: the owner can come back with the right password
            try (RawClient back = RawClient.open(port())) {
                ConnectResponse ok =
                        back.connect(owner.lastZxidSeen, SESSION_TIMEOUT, owner.sessionId, owner.passwd, true);
                assertThat(ok.getTimeOut()).isEqualTo(SESSION_TIMEOUT);
                assertThat(ok.getSessionId()).isEqualTo(owner.sessionId);
            }
        });
    }
}
