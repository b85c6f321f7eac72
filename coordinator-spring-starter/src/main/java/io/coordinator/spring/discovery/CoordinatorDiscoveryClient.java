package io.coordinator.spring.discovery;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/** Spring Cloud DiscoveryClient answered from the watch-driven {@link CoordinatorServiceCache}. */
public class CoordinatorDiscoveryClient implements DiscoveryClient {
    private final CoordinatorServiceCache cache;

    public CoordinatorDiscoveryClient(CoordinatorServiceCache cache) {
        this.cache = cache;
    }

    @Override
    public String description() {
        return "Coordinator DiscoveryClient (watch-driven cache)";
    }

    @Override
    public List<ServiceInstance> getInstances(String serviceId) {
        return cache.getInstances(serviceId);
    }

    @Override
    public List<String> getServices() {
        return cache.getServices();
    }

    @Override
    public int getOrder() {
        return DiscoveryClient.DEFAULT_ORDER;
    }
}
