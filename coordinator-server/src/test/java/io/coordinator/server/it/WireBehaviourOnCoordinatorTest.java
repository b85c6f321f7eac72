package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

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
        reconnectWithWrongPassword((owner, thief, r) -> {
            assertThat(thief.closedByPeer()).isTrue();
            assertThat(header(owner.call(3, new ExistsRequest("/", false))).getErr())
                    .isZero();
        });
    }
}
