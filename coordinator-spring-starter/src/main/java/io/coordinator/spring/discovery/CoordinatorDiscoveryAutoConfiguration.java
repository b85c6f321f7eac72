package io.coordinator.spring.discovery;

import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
import io.coordinator.spring.autoconfigure.CoordinatorClientProperties;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnReactiveDiscoveryEnabled;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * DiscoveryClient and ReactiveDiscoveryClient over the watch-driven service cache. Runs before Spring Cloud's
 * simple discovery client so @LoadBalanced clients use it.
 */
@AutoConfiguration(
        after = CoordinatorClientAutoConfiguration.class,
        beforeName = {
            "org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration",
            "org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration",
            "org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration",
            "org.springframework.cloud.client.discovery.composite.reactive.ReactiveCompositeDiscoveryClientAutoConfiguration"
        })
@ConditionalOnClass(DiscoveryClient.class)
@ConditionalOnBean(CuratorFramework.class)
@ConditionalOnDiscoveryEnabled
@ConditionalOnBooleanProperty(prefix = "coordinator.client.discovery", name = "enabled", matchIfMissing = true)
public final class CoordinatorDiscoveryAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CoordinatorServiceCache coordinatorServiceCache(
            CuratorFramework client, CoordinatorClientProperties properties, Environment environment) {
        CoordinatorClientProperties.Discovery d = properties.discovery();
        return new CoordinatorServiceCache(
                client,
                d.root(),
                d.protection().enabled(),
                d.protection().threshold(),
                d.protection().maxDuration(),
                DiscoveryLocalCopy.of(d, environment.getProperty("spring.application.name", "application")));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static final class Metrics {
        @Bean
        @ConditionalOnMissingBean
        CoordinatorDiscoveryMetrics coordinatorDiscoveryMetrics(CoordinatorServiceCache cache) {
            return new CoordinatorDiscoveryMetrics(cache);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBlockingDiscoveryEnabled
    static final class Blocking {
        @Bean
        @ConditionalOnMissingBean
        CoordinatorDiscoveryClient coordinatorDiscoveryClient(CoordinatorServiceCache cache) {
            return new CoordinatorDiscoveryClient(cache);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "reactor.core.publisher.Flux")
    @ConditionalOnReactiveDiscoveryEnabled
    static final class Reactive {
        @Bean
        @ConditionalOnMissingBean
        CoordinatorReactiveDiscoveryClient coordinatorReactiveDiscoveryClient(CoordinatorServiceCache cache) {
            return new CoordinatorReactiveDiscoveryClient(cache);
        }
    }
}
