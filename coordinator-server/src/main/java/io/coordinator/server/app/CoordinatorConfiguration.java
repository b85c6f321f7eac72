package io.coordinator.server.app;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the server into the Spring context. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CoordinatorProperties.class)
public class CoordinatorConfiguration {

    @Bean
    CoordinatorServer coordinatorServer(CoordinatorProperties properties) {
        return new CoordinatorServer(properties);
    }

    /** UP only while the server serves clients: recovered, client port open, log healthy. */
    @Bean
    HealthIndicator coordinatorHealthIndicator(CoordinatorServer server) {
        return () -> {
            if (!server.isServing()) {
                return Health.down().withDetail("serving", false).build();
            }
            var pipeline = server.pipeline();
            return Health.up()
                    .withDetail("mode", pipeline.mode())
                    .withDetail("clientPort", server.clientPort())
                    .withDetail("zxid", "0x" + Long.toHexString(pipeline.lastProcessedZxid()))
                    .withDetail("znodes", pipeline.nodeCount())
                    .withDetail("sessions", pipeline.sessionCount())
                    .build();
        };
    }
}
