package io.coordinator.spring.discovery;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters of the discovery cache (Prometheus names in brackets):
 * {@code coordinator.discovery.protected.services} (coordinator_discovery_protected_services) services whose
 * live list is held back now; {@code coordinator.discovery.protections} (coordinator_discovery_protections_total)
 * holds started; {@code coordinator.discovery.protections.expired} (..._expired_total) holds that ended at their
 * bound; {@code coordinator.discovery.local.copy} (coordinator_discovery_local_copy) 1 while instances are served
 * from the local copy because no server has answered yet.
 */
public class CoordinatorDiscoveryMetrics implements MeterBinder {
    private final CoordinatorServiceCache cache;

    public CoordinatorDiscoveryMetrics(CoordinatorServiceCache cache) {
        this.cache = cache;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(
                        "coordinator.discovery.protected.services",
                        cache,
                        c -> c.protectedServices().size())
                .description("Services whose live instance list is held back after an outage")
                .register(registry);
        FunctionCounter.builder("coordinator.discovery.protections", cache, CoordinatorServiceCache::protectionsStarted)
                .description("Instance lists held back after an outage")
                .register(registry);
        FunctionCounter.builder(
                        "coordinator.discovery.protections.expired", cache, CoordinatorServiceCache::protectionsExpired)
                .description("Held instance lists released at the bound, the instances not back")
                .register(registry);
        Gauge.builder(
                        "coordinator.discovery.local.copy",
                        cache,
                        c -> CoordinatorServiceCache.LOCAL_COPY.equals(c.source()) ? 1 : 0)
                .description("1 while discovery serves its local copy because no server has answered yet")
                .register(registry);
    }
}
