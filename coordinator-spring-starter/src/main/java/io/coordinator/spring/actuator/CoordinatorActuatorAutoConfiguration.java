package io.coordinator.spring.actuator;

import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
import io.coordinator.spring.autoconfigure.CoordinatorConnection;
import io.coordinator.spring.config.CoordinatorConfigAutoConfiguration;
import io.coordinator.spring.config.CoordinatorConfigWatcher;
import io.coordinator.spring.discovery.CoordinatorDiscoveryAutoConfiguration;
import io.coordinator.spring.discovery.CoordinatorServiceCache;
import io.coordinator.spring.leader.CoordinatorLeaderAutoConfiguration;
import io.coordinator.spring.leader.Leadership;
import io.coordinator.spring.lock.CoordinatorLockAutoConfiguration;
import io.coordinator.spring.lock.DistributedLocks;
import io.coordinator.spring.registration.CoordinatorRegistration;
import io.coordinator.spring.registration.CoordinatorRegistrationAutoConfiguration;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Health indicator "coordinator" and endpoint "coordinator". */
@AutoConfiguration(
        after = {
            CoordinatorClientAutoConfiguration.class,
            CoordinatorRegistrationAutoConfiguration.class,
            CoordinatorDiscoveryAutoConfiguration.class,
            CoordinatorConfigAutoConfiguration.class,
            CoordinatorLockAutoConfiguration.class,
            CoordinatorLeaderAutoConfiguration.class
        })
@ConditionalOnBean(CuratorFramework.class)
public final class CoordinatorActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("coordinator")
    static final class Health {
        @Bean
        @ConditionalOnMissingBean(name = "coordinatorHealthIndicator")
        CoordinatorHealthIndicator coordinatorHealthIndicator(CoordinatorConnection connection) {
            return new CoordinatorHealthIndicator(connection);
        }

        @Bean
        @ConditionalOnBean(CoordinatorConfigWatcher.class)
        @ConditionalOnMissingBean(name = "coordinatorConfigHealthIndicator")
        CoordinatorConfigHealthIndicator coordinatorConfigHealthIndicator(CoordinatorConfigWatcher watcher) {
            return new CoordinatorConfigHealthIndicator(watcher);
        }

        @Bean
        @ConditionalOnBean(CoordinatorServiceCache.class)
        @ConditionalOnMissingBean(name = "coordinatorDiscoveryHealthIndicator")
        CoordinatorDiscoveryHealthIndicator coordinatorDiscoveryHealthIndicator(CoordinatorServiceCache cache) {
            return new CoordinatorDiscoveryHealthIndicator(cache);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    @ConditionalOnAvailableEndpoint(endpoint = CoordinatorEndpoint.class)
    static final class EndpointConfiguration {
        @Bean
        @ConditionalOnMissingBean
        CoordinatorEndpoint coordinatorEndpoint(
                CoordinatorConnection connection,
                ObjectProvider<CoordinatorRegistration> registration,
                ObjectProvider<CoordinatorServiceCache> services,
                ObjectProvider<CoordinatorConfigWatcher> config,
                ObjectProvider<DistributedLocks> locks,
                ObjectProvider<Leadership> leadership) {
            return new CoordinatorEndpoint(connection, registration, services, config, locks, leadership);
        }
    }
}
