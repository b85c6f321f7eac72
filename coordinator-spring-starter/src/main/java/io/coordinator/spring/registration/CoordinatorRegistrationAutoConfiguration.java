package io.coordinator.spring.registration;

import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
import io.coordinator.spring.autoconfigure.CoordinatorClientProperties;
import io.coordinator.spring.autoconfigure.CoordinatorIdentity;
import io.coordinator.spring.config.CoordinatorConfigAutoConfiguration;
import io.coordinator.spring.config.CoordinatorConfigWatcher;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** Registers this instance under /services while it takes traffic. */
@AutoConfiguration(after = {CoordinatorClientAutoConfiguration.class, CoordinatorConfigAutoConfiguration.class})
@ConditionalOnBean(CuratorFramework.class)
@ConditionalOnBooleanProperty(prefix = "coordinator.client.registration", name = "enabled", matchIfMissing = true)
public final class CoordinatorRegistrationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CoordinatorRegistration coordinatorRegistration(
            CuratorFramework client,
            CoordinatorClientProperties properties,
            CoordinatorIdentity identity,
            Environment environment,
            ObjectProvider<InetUtils> inetUtils,
            ObjectProvider<CoordinatorConfigWatcher> configWatcher) {
        return new CoordinatorRegistration(
                client,
                properties,
                identity,
                environment,
                () -> firstNonLoopbackAddress(inetUtils.getIfAvailable(), environment),
                configWatcher.getIfAvailable());
    }

    /**
     * The address Spring Cloud Commons' InetUtils chooses (as Spring Cloud Zookeeper and Eureka register), with its
     * spring.cloud.inetutils.* preferences; the application's InetUtils bean when there is one.
     */
    static String firstNonLoopbackAddress(InetUtils shared, Environment environment) {
        if (shared != null) {
            return shared.findFirstNonLoopbackHostInfo().getIpAddress();
        }
        InetUtilsProperties properties =
                Binder.get(environment).bindOrCreate(InetUtilsProperties.PREFIX, InetUtilsProperties.class);
        try (InetUtils own = new InetUtils(properties)) {
            return own.findFirstNonLoopbackHostInfo().getIpAddress();
        }
    }
}
