package io.coordinator.spring.actuator;

import io.coordinator.spring.autoconfigure.CoordinatorConnection;
import io.coordinator.spring.config.CoordinatorConfigWatcher;
import io.coordinator.spring.discovery.CoordinatorServiceCache;
import io.coordinator.spring.leader.Leadership;
import io.coordinator.spring.lock.DistributedLocks;
import io.coordinator.spring.registration.CoordinatorRegistration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.cloud.client.ServiceInstance;

/** {@code /actuator/coordinator}: this instance as the coordination layer sees it. */
@Endpoint(id = "coordinator")
public class CoordinatorEndpoint {
    private final CoordinatorConnection connection;
    private final ObjectProvider<CoordinatorRegistration> registration;
    private final ObjectProvider<CoordinatorServiceCache> services;
    private final ObjectProvider<CoordinatorConfigWatcher> config;
    private final ObjectProvider<DistributedLocks> locks;
    private final ObjectProvider<Leadership> leadership;

    public CoordinatorEndpoint(
            CoordinatorConnection connection,
            ObjectProvider<CoordinatorRegistration> registration,
            ObjectProvider<CoordinatorServiceCache> services,
            ObjectProvider<CoordinatorConfigWatcher> config,
            ObjectProvider<DistributedLocks> locks,
            ObjectProvider<Leadership> leadership) {
        this.connection = connection;
        this.registration = registration;
        this.services = services;
        this.config = config;
        this.locks = locks;
        this.leadership = leadership;
    }

    @ReadOperation
    public Map<String, Object> coordinator() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> conn = new LinkedHashMap<>();
        conn.put("state", String.valueOf(connection.state()));
        conn.put("connectString", connection.connectString());
        conn.put("sessionId", connection.sessionId());
        conn.put("sessionsLost", connection.sessionsLost());
        out.put("connection", conn);
        CoordinatorRegistration r = registration.getIfAvailable();
        out.put("registration", r == null ? null : r.describe());
        CoordinatorServiceCache cache = services.getIfAvailable();
        if (cache != null) {
            Map<String, Object> seen = new LinkedHashMap<>();
            for (String s : cache.getServices()) {
                List<String> instances = cache.getInstances(s).stream()
                        .map(ServiceInstance::getInstanceId)
                        .sorted()
                        .toList();
                seen.put(s, instances);
            }
            out.put("services", seen);
            Map<String, Object> discovery = new LinkedHashMap<>();
            discovery.put("source", cache.source());
            discovery.put(
                    "localCopyWritten",
                    cache.localCopyWritten() == null
                            ? null
                            : cache.localCopyWritten().toString());
            Map<String, Object> held = new LinkedHashMap<>();
            for (CoordinatorServiceCache.ProtectedService p : cache.protectedServices()) {
                held.put(
                        p.service(),
                        Map.of(
                                "since",
                                p.since().toString(),
                                "until",
                                p.until().toString(),
                                "kept",
                                p.kept(),
                                "live",
                                p.live()));
            }
            discovery.put("protected", held);
            out.put("discovery", discovery);
        }
        CoordinatorConfigWatcher watcher = config.getIfAvailable();
        out.put("config", watcher == null ? List.of() : watcher.describe());
        // bound once at creation: these do not follow configuration changes
        out.put("notRefreshed", watcher == null ? List.of() : watcher.describeFrozen());
        DistributedLocks l = locks.getIfAvailable();
        out.put("locks", l == null ? List.of() : l.describe());
        Leadership lead = leadership.getIfAvailable();
        out.put("leadership", lead == null ? Map.of() : lead.describe());
        return out;
    }
}
