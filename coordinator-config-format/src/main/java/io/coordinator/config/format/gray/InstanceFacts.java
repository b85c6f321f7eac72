package io.coordinator.config.format.gray;

import java.util.Map;

/**
 * What a selector can look at of one instance: its service, its instance id, the address it registered ({@code host}
 * and {@code port}; 0 when not known yet), its zone and its registration metadata.
 */
public record InstanceFacts(
        String service, String instanceId, String host, int port, String zone, Map<String, String> metadata) {
    public InstanceFacts {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
