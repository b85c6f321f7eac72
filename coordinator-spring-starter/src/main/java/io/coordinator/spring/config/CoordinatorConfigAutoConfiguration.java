package io.coordinator.spring.config;

import io.coordinator.config.format.gray.InstanceFacts;
import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
import io.coordinator.spring.autoconfigure.CoordinatorClientProperties;
import io.coordinator.spring.autoconfigure.CoordinatorIdentity;
import io.coordinator.spring.autoconfigure.InstanceFactsOf;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/** Live configuration: keeps spring.config.import=coordinator: sources current and applies changes to beans. */
@AutoConfiguration(after = CoordinatorClientAutoConfiguration.class)
@ConditionalOnBean(CuratorFramework.class)
@ConditionalOnBooleanProperty(prefix = "coordinator.client.config", name = "refresh-enabled", matchIfMissing = true)
public final class CoordinatorConfigAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    static ValueRefresher coordinatorValueRefresher() {
        return new ValueRefresher();
    }

    @Bean
    @ConditionalOnMissingBean
    ConfigurationPropertiesRebinder coordinatorConfigurationPropertiesRebinder(
            ApplicationContext context, ConfigurableEnvironment environment) {
        return new ConfigurationPropertiesRebinder(context, environment);
    }

    @Bean
    @ConditionalOnMissingBean
    CoordinatorConfigWatcher coordinatorConfigWatcher(
            CuratorFramework client,
            ConfigurableEnvironment environment,
            ObjectProvider<ValueRefresher> valueRefresher,
            ObjectProvider<ConfigurationPropertiesRebinder> rebinder,
            ApplicationEventPublisher publisher,
            CoordinatorClientProperties properties,
            CoordinatorIdentity identity) {
        return new CoordinatorConfigWatcher(
                client,
                environment,
                valueRefresher.getIfAvailable(),
                rebinder.getIfAvailable(),
                publisher,
                () -> configuredFacts(properties, identity, environment));
    }

    /**
     * This instance for gray release selectors until it is registered: the registration settings, the configured
     * port or the web server's once it runs, the host only when configured.
     */
    static InstanceFacts configuredFacts(
            CoordinatorClientProperties properties, CoordinatorIdentity identity, Environment environment) {
        CoordinatorClientProperties.Registration r = properties.registration();
        Integer port = r.port() != null ? r.port() : environment.getProperty("local.server.port", Integer.class);
        return InstanceFactsOf.of(
                identity.serviceName(), identity.instanceId(), r, r.host(), port == null ? 0 : Math.max(port, 0));
    }
}
