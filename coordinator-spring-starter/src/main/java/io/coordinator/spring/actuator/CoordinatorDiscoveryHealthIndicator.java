package io.coordinator.spring.actuator;

import io.coordinator.spring.discovery.CoordinatorServiceCache;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health component "coordinatorDiscovery": where the discovered instances come from (server, local-copy with its
 * age, none) and the services whose live list is held back after an outage (since when, until when at the
 * latest, how many instances kept and live). UP while the instances are the server's and nothing is held;
 * {@link CoordinatorConfigHealthIndicator#DEGRADED} otherwise, which does not take the application out of service.
 */
public class CoordinatorDiscoveryHealthIndicator extends AbstractHealthIndicator {
    private final CoordinatorServiceCache cache;

    public CoordinatorDiscoveryHealthIndicator(CoordinatorServiceCache cache) {
        super("Coordinator discovery health check failed");
        this.cache = cache;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        String source = cache.source();
        builder.withDetail("source", source);
        Instant written = cache.localCopyWritten();
        if (written != null) {
            builder.withDetail("localCopy", cache.localCopyFile())
                    .withDetail("localCopyWritten", written.toString())
                    .withDetail("age", Duration.between(written, Instant.now()).toString());
        }
        Map<String, Object> held = new LinkedHashMap<>();
        for (CoordinatorServiceCache.ProtectedService p : cache.protectedServices()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("since", p.since().toString());
            d.put("until", p.until().toString());
            d.put("kept", p.kept());
            d.put("live", p.live());
            held.put(p.service(), d);
        }
        builder.withDetail("protected", held);
        boolean live = CoordinatorServiceCache.SERVER.equals(source) && held.isEmpty();
        builder.status(live ? Status.UP : CoordinatorConfigHealthIndicator.DEGRADED);
    }
}
