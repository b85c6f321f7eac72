package io.coordinator.server.ops;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Actuator and metrics of the server: the cluster endpoint, readiness, Micrometer meters. */
@Configuration(proxyBeanMethods = false)
public class OpsConfiguration {

    @Bean
    ClusterStatusService clusterStatusService(ServerHandle server) {
        return new ClusterStatusService(server);
    }

    @Bean
    CoordinatorEndpoint coordinatorEndpoint(ClusterStatusService status) {
        return new CoordinatorEndpoint(status);
    }

    /**
     * In the {@code readiness} group: UP only while this server serves as part of a quorum and synced with its
     * leader (or standalone). Out of quorum, looking, syncing or read-only it is OUT_OF_SERVICE, so a load
     * balancer or Kubernetes sends no clients to it; liveness is unaffected.
     */
    @Bean
    HealthIndicator coordinatorReadinessHealthIndicator(ClusterStatusService status) {
        return () -> {
            ClusterStatus s = status.status();
            Health.Builder b = s.ready() ? Health.up() : Health.outOfService();
            b.withDetail("role", s.role()).withDetail("serving", s.serving());
            if (s.leaderId() != null) {
                b.withDetail("leader", s.leaderId());
            }
            return b.build();
        };
    }

    /** The last ten minutes of this member, a sample a second, for the console's charts. */
    @Bean
    MetricsHistory metricsHistory(ServerHandle server) {
        return new MetricsHistory(server);
    }

    @Bean
    CoordinatorMetrics coordinatorMetrics(ServerHandle server, MeterRegistry registry) {
        return new CoordinatorMetrics(server, registry, new ZooKeeperMetrics(server, registry));
    }
}
