package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ExistsRequest;
import org.junit.jupiter.api.Test;

/** {@link WireBehaviourTest} against Coordinator, plus where Coordinator deliberately differs. */
class WireBehaviourOnCoordinatorTest extends WireBehaviourTest {
    @Override
    protected Servers.Kind kind() {
        return Servers.Kind.COORDINATOR;
    }

    /**
     * ZooKeeper 3.9.5 closes a session's live connection as soon as anyone asks to reconnect to that
     * session, before checking the password; Coordinator checks the password first.
     */
    @Test
    void wrongPasswordDoesNotDisturbTheLiveConnection() throws Exception {
        try (RawClient owner = RawClient.session(port(), SESSION_TIMEOUT);
             RawClient thief = RawClient.open(port())) {
            byte[] wrong = owner.passwd.clone();
            wrong[0] ^= 1;
            ConnectResponse r = thief.connect(0, SESSION_TIMEOUT, owner.sessionId, wrong, true);
            assertThat(r.getTimeOut()).isLessThanOrEqualTo(0);
            assertThat(thief.closedByPeer()).isTrue();
            assertThat(header(owner.call(3, new ExistsRequest("/", false))).getErr()).isZero();
        }
    }
}
