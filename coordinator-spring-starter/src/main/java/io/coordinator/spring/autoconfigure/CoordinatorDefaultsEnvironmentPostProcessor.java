package io.coordinator.spring.autoconfigure;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults (lowest precedence, any of them can be overridden): Spring Cloud LoadBalancer's own instance cache is
 * switched off, because our DiscoveryClient already is a watch-driven cache and LoadBalancer's would keep serving
 * a dead instance for up to its TTL (35 s by default).
 */
public class CoordinatorDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {
    static final String NAME = "coordinatorDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getPropertySources().contains(NAME)) {
            environment
                    .getPropertySources()
                    .addLast(new MapPropertySource(NAME, Map.of("spring.cloud.loadbalancer.cache.enabled", "false")));
        }
    }
}
