package io.coordinator.server.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Every registered instance of every service the user may read, in one answer, as the console's services view
 * shows them: health, zone, weight, metadata, uptime and the configuration version each runs. The instance JSON
 * is the starter's / curator-x-discovery's ({@code /api/services} returns it as stored).
 */
@RestController
@Tag(name = "services", description = "Registered services and their instances (curator-x-discovery format)")
public class InstancesController {
    /** The metadata key an instance may report its readiness under (the starter registers only while ready). */
    static final String READINESS = "readiness";

    private final LocalZooKeeper zk;
    private final WebProperties props;
    private final Access access;
    private final ConfigStore store;

    public InstancesController(LocalZooKeeper zk, WebProperties props, Access access, ConfigStore store) {
        this.zk = zk;
        this.props = props;
        this.access = access;
        this.store = store;
    }

    /**
     * One instance.
     *
     * @param session     the hex id of the session holding its ephemeral node: alive while the node exists; null
     *                    for a persistent registration (no session says whether it runs)
     * @param readiness   what the instance reports under the metadata key {@code readiness}, null if nothing
     * @param upSince     when its node was created (ISO-8601): registered since then without a break
     * @param override    the operator's override (out of rotation, weight), or null
     * @param configs     the configuration contexts it reports ({@code config.<context>} metadata) and their versions
     */
    public record Instance(
            String service,
            String id,
            String address,
            Integer port,
            String zone,
            Integer weight,
            String session,
            String readiness,
            String upSince,
            String registeredAt,
            Map<String, String> metadata,
            ServicesController.Override override,
            List<Config> configs) {}

    /**
     * @param version the published version its zxid belongs to, null before the first or when the user may not
     *                read the context's history
     */
    public record Config(String context, String zxid, Integer version, boolean current) {}

    @GetMapping("/api/instances")
    @Operation(
            summary = "Every instance of every readable service with health, zone, weight, metadata, uptime and"
                    + " the configuration version it runs")
    public List<Instance> instances() throws KeeperException, InterruptedException {
        ZooKeeper z = zk.get();
        List<Instance> out = new ArrayList<>();
        Map<String, List<ConfigStore.Version>> histories = new HashMap<>();
        Map<String, Map<String, ServicesController.Override>> overrides = new HashMap<>();
        for (ConfigListeners.Registration r : ConfigListeners.registrations(z, props.getServicesPath(), access)) {
            Map<String, ServicesController.Override> ofService = overrides.get(r.service());
            if (ofService == null) {
                ofService = ServicesController.overrides(z, r.service());
                overrides.put(r.service(), ofService);
            }
            out.add(instance(r.service(), r.id(), r.json(), r.stat(), ofService.get(r.id()), histories));
        }
        return out;
    }

    private Instance instance(
            String service,
            String id,
            JsonNode json,
            Stat stat,
            ServicesController.Override override,
            Map<String, List<ConfigStore.Version>> histories)
            throws KeeperException, InterruptedException {
        Map<String, String> metadata = new TreeMap<>();
        json.path("payload")
                .path("metadata")
                .properties()
                .forEach(e -> metadata.put(e.getKey(), e.getValue().asString("")));
        List<Config> configs = new ArrayList<>();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().startsWith(ConfigListeners.PREFIX)) {
                configs.add(config(e.getKey().substring(ConfigListeners.PREFIX.length()), e.getValue(), histories));
            }
        }
        metadata.keySet().removeIf(k -> k.startsWith(ConfigListeners.PREFIX));
        JsonNode port = json.path("port").isNumber() ? json.path("port") : json.path("sslPort");
        JsonNode registered = json.path("registrationTimeUTC");
        return new Instance(
                service,
                id,
                json.path("address").asString(null),
                port.isNumber() ? port.asInt() : null,
                metadata.get("zone"),
                number(metadata.get("weight")),
                stat.getEphemeralOwner() == 0 ? null : "0x" + Long.toHexString(stat.getEphemeralOwner()),
                metadata.get(READINESS),
                Instant.ofEpochMilli(stat.getCtime()).toString(),
                registered.isNumber()
                        ? Instant.ofEpochMilli(registered.asLong()).toString()
                        : null,
                metadata,
                override,
                configs);
    }

    private Config config(String context, String zxid, Map<String, List<ConfigStore.Version>> histories)
            throws KeeperException, InterruptedException {
        ConfigStore.Context c;
        try {
            c = ConfigStore.Context.parse(context);
        } catch (ApiException notAContext) {
            return new Config(context, zxid, null, false);
        }
        if (!access.mayReadContext(c)) {
            return new Config(context, zxid, null, false);
        }
        List<ConfigStore.Version> history = histories.get(context);
        if (history == null) {
            history = store.history(c);
            histories.put(context, history);
        }
        ConfigListeners.Ran ran = ConfigListeners.ran(zxid, history);
        return new Config(context, zxid, ran.version(), ran.current());
    }

    private static Integer number(String text) {
        try {
            return text == null ? null : Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
