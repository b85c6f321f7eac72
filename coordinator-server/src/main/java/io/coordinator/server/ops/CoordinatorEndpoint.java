package io.coordinator.server.ops;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/** {@code /actuator/coordinator}: this server's view of the cluster. */
@Endpoint(id = "coordinator")
public class CoordinatorEndpoint {
    private final ClusterStatusService status;

    public CoordinatorEndpoint(ClusterStatusService status) {
        this.status = status;
    }

    @ReadOperation
    public ClusterStatus cluster() {
        return status.status();
    }
}
