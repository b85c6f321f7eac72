package io.coordinator.server.web;

import io.coordinator.server.ops.ClusterStatus;
import io.coordinator.server.ops.ClusterStatusService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/cluster}: this server's view of the cluster (same as {@code /actuator/coordinator}). */
@RestController
@Tag(name = "cluster", description = "Cluster status")
public class ClusterController {
    private final ClusterStatusService status;

    public ClusterController(ClusterStatusService status) {
        this.status = status;
    }

    @GetMapping("/api/cluster")
    @Operation(summary = "Role, leader, epoch, last zxid, peers with lag, sessions, znodes, watches, fsync")
    public ClusterStatus cluster() {
        return status.status();
    }
}
