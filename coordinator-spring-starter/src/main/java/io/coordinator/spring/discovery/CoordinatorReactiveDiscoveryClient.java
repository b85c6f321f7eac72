package io.coordinator.spring.discovery;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import reactor.core.publisher.Flux;

/** Spring Cloud ReactiveDiscoveryClient answered from the same in-memory cache: never blocks. */
public class CoordinatorReactiveDiscoveryClient implements ReactiveDiscoveryClient {
    private final CoordinatorServiceCache cache;

    public CoordinatorReactiveDiscoveryClient(CoordinatorServiceCache cache) {
        this.cache = cache;
    }

    @Override
    public String description() {
        return "Coordinator ReactiveDiscoveryClient (watch-driven cache)";
    }

    @Override
    public Flux<ServiceInstance> getInstances(String serviceId) {
        return Flux.defer(() -> Flux.fromIterable(cache.getInstances(serviceId)));
    }

    @Override
    public Flux<String> getServices() {
        return Flux.defer(() -> Flux.fromIterable(cache.getServices()));
    }
}
