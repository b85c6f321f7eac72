package io.coordinator.spring.registration;

import org.apache.curator.framework.CuratorFramework;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
import io.coordinator.spring.autoconfigure.CoordinatorClientProperties;
import io.coordinator.spring.autoconfigure.CoordinatorIdentity;

/** Registers this instance under /services while it takes traffic. */
@AutoConfiguration(after = CoordinatorClientAutoConfiguration.class)
@ConditionalOnBean(CuratorFramework.class)
@ConditionalOnProperty(prefix = "coordinator.client.registration", name = "enabled", havingValue = "true", matchIfMissing = true)
public class CoordinatorRegistrationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public CoordinatorRegistration coordinatorRegistration(CuratorFramework client, CoordinatorClientProperties properties,
            CoordinatorIdentity identity, Environment environment) {
        return new CoordinatorRegistration(client, properties, identity, environment);
    }
}
