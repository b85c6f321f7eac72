package io.coordinator.spring.config;

import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
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
            ApplicationEventPublisher publisher) {
        return new CoordinatorConfigWatcher(
                client, environment, valueRefresher.getIfAvailable(), rebinder.getIfAvailable(), publisher);
    }
}
