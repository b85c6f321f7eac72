package io.coordinator.spring.actuator;

import io.coordinator.spring.autoconfigure.CoordinatorConnection;
import org.apache.curator.framework.state.ConnectionState;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** UP while connected; DOWN when the session is lost (or never established); OUT_OF_SERVICE while suspended. */
public class CoordinatorHealthIndicator extends AbstractHealthIndicator {
    private final CoordinatorConnection connection;

    public CoordinatorHealthIndicator(CoordinatorConnection connection) {
        super("Coordinator health check failed");
        this.connection = connection;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ConnectionState state = connection.state();
        if (state == null || state == ConnectionState.LOST) {
            builder.down();
        } else if (state == ConnectionState.SUSPENDED) {
            builder.outOfService();
        } else {
            builder.up();
        }
        builder.withDetail("state", state == null ? "NOT_CONNECTED" : state.name())
                .withDetail("connectString", String.valueOf(connection.connectString()))
                .withDetail("sessionId", String.valueOf(connection.sessionId()))
                .withDetail("sessionsLost", connection.sessionsLost());
    }
}
