package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.coordinator.spring.actuator.CoordinatorHealthIndicator;
import io.coordinator.spring.autoconfigure.CoordinatorConnection;
import org.apache.curator.CuratorZookeeperClient;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.listen.Listenable;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** The connection's health follows the session: never connected is DOWN, a suspended session OUT_OF_SERVICE. */
class CoordinatorConnectionTest {
    private final CuratorFramework client = mock(CuratorFramework.class);

    @SuppressWarnings("unchecked")
    CoordinatorConnectionTest() {
        when(client.getConnectionStateListenable()).thenReturn(mock(Listenable.class));
        when(client.getZookeeperClient()).thenReturn(mock(CuratorZookeeperClient.class));
    }

    @Test
    void aFailedFirstAttemptIsNeitherASuspensionNorALostSession() {
        CoordinatorConnection connection = new CoordinatorConnection(client);
        // what Curator reports when the first connection attempt times out, then the session timeout passes
        connection.stateChanged(client, ConnectionState.SUSPENDED);
        assertThat(connection.state()).isNull();
        assertThat(health(connection)).isEqualTo(Status.DOWN);
        connection.stateChanged(client, ConnectionState.LOST);
        assertThat(connection.state()).isNull();
        assertThat(connection.sessionsLost()).isZero();
        assertThat(health(connection)).isEqualTo(Status.DOWN);
    }

    @Test
    void anEstablishedSessionIsSuspendedThenLost() {
        CoordinatorConnection connection = new CoordinatorConnection(client);
        ConnectionStateListener listener = connection;
        listener.stateChanged(client, ConnectionState.CONNECTED);
        assertThat(health(connection)).isEqualTo(Status.UP);
        listener.stateChanged(client, ConnectionState.SUSPENDED);
        assertThat(health(connection)).isEqualTo(Status.OUT_OF_SERVICE);
        listener.stateChanged(client, ConnectionState.LOST);
        assertThat(health(connection)).isEqualTo(Status.DOWN);
        assertThat(connection.sessionsLost()).isEqualTo(1);
        listener.stateChanged(client, ConnectionState.RECONNECTED);
        assertThat(health(connection)).isEqualTo(Status.UP);
    }

    private static Status health(CoordinatorConnection connection) {
        return new CoordinatorHealthIndicator(connection).health(true).getStatus();
    }
}
