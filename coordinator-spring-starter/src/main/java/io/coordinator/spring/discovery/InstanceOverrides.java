package io.coordinator.spring.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/**
 * What operators set on an instance without touching it (the console's "out of rotation" and weight), stored at
 * {@value #ROOT}{@code /<service>/<instance id>} as {@code {"enabled": false, "weight": 3}}: discovery leaves a
 * disabled instance out and serves the weight in the instance's {@code weight} metadata (what Spring Cloud
 * LoadBalancer's weighted supplier reads). The instance keeps running and registered.
 */
public final class InstanceOverrides {
    /** Where the server writes overrides; a reserved path like the configuration history. */
    public static final String ROOT = "/coordinator/instances";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One instance's override; {@code weight} null leaves the registered one. */
    public record Override(boolean enabled, Integer weight) {}

    private InstanceOverrides() {}

    /** The override in {@code data}, or null when the data is not one (ignored, as a malformed instance is). */
    public static Override parse(byte[] data) {
        if (data == null || data.length == 0) {
            return null;
        }
        try {
            JsonNode root = MAPPER.readTree(data);
            if (root == null || !root.isObject()) {
                return null;
            }
            JsonNode weight = root.get("weight");
            return new Override(
                    root.path("enabled").asBoolean(true),
                    weight != null && weight.canConvertToInt() && weight.asInt() > 0 ? weight.asInt() : null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The instances discovery serves: disabled ones left out, overridden weights in their metadata. */
    public static List<ServiceInstance> apply(List<ServiceInstance> instances, Map<String, Override> overrides) {
        if (overrides == null || overrides.isEmpty()) {
            return instances;
        }
        List<ServiceInstance> out = new ArrayList<>(instances.size());
        for (ServiceInstance si : instances) {
            Override o = overrides.get(si.getInstanceId());
            if (o == null) {
                out.add(si);
            } else if (o.enabled()) {
                out.add(o.weight() == null ? si : withWeight(si, o.weight()));
            }
        }
        return List.copyOf(out);
    }

    private static ServiceInstance withWeight(ServiceInstance si, int weight) {
        Map<String, String> metadata = new LinkedHashMap<>(si.getMetadata());
        metadata.put("weight", Integer.toString(weight));
        return new DefaultServiceInstance(
                si.getInstanceId(), si.getServiceId(), si.getHost(), si.getPort(), si.isSecure(), metadata);
    }
}
