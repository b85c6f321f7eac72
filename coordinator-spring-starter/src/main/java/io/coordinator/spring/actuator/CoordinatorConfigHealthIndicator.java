package io.coordinator.spring.actuator;

import io.coordinator.spring.config.CoordinatorConfigWatcher;
import io.coordinator.spring.config.CoordinatorPropertySource;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health component "coordinatorConfig": where each imported context's values came from (server, local-copy,
 * none), how old they are, and the document nodes that do not parse. UP while every context is live from the
 * server and every document parses; {@link #DEGRADED} otherwise (started from a local copy or with nothing during
 * an outage, or a malformed document keeping its last good values). DEGRADED is not in Spring Boot's default status
 * order, so it shows here without taking the application out of service.
 */
public class CoordinatorConfigHealthIndicator extends AbstractHealthIndicator {
    public static final Status DEGRADED = new Status("DEGRADED");

    private final CoordinatorConfigWatcher watcher;

    public CoordinatorConfigHealthIndicator(CoordinatorConfigWatcher watcher) {
        super("Coordinator configuration health check failed");
        this.watcher = watcher;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        List<CoordinatorPropertySource> sources = watcher.sources();
        boolean live = true;
        Map<String, Object> contexts = new LinkedHashMap<>();
        Instant now = Instant.now();
        for (CoordinatorPropertySource s : sources) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("source", s.origin());
            c.put("loadedAt", s.loadedAt() == null ? null : s.loadedAt().toString());
            c.put(
                    "age",
                    s.loadedAt() == null
                            ? null
                            : Duration.between(s.loadedAt(), now).toString());
            c.put("version", s.version());
            if (!s.broken().isEmpty()) {
                c.put("broken", s.broken());
            }
            if (!s.undecryptable().isEmpty()) {
                c.put("undecryptable", s.undecryptable());
            }
            contexts.put(s.path(), c);
            live &= CoordinatorPropertySource.SERVER.equals(s.origin())
                    && s.broken().isEmpty()
                    && s.undecryptable().isEmpty();
        }
        builder.status(live ? Status.UP : DEGRADED).withDetail("contexts", contexts);
    }
}
