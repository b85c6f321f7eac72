package io.coordinator.spring.autoconfigure;

import io.coordinator.config.format.gray.InstanceFacts;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.util.StringUtils;

/**
 * What a gray release selector sees of this instance, built from the registration settings the same way at startup
 * (ConfigDataLoader), while running and once registered, so all three agree on labels, zone and id.
 */
public final class InstanceFactsOf {
    private InstanceFactsOf() {}

    /**
     * The metadata the registration publishes besides the configuration versions: {@code registration.metadata},
     * {@code zone} when set and {@code weight}.
     */
    public static Map<String, String> metadata(CoordinatorClientProperties.Registration r) {
        Map<String, String> metadata = new LinkedHashMap<>(r.metadata());
        if (StringUtils.hasText(r.zone())) {
            metadata.put("zone", r.zone());
        }
        metadata.put("weight", Integer.toString(r.weight()));
        return metadata;
    }

    /** The facts of instance {@code instanceId} of {@code service} at {@code host:port} (null and 0: not known). */
    public static InstanceFacts of(
            String service, String instanceId, CoordinatorClientProperties.Registration r, String host, int port) {
        return new InstanceFacts(service, instanceId, host, port, r.zone(), metadata(r));
    }
}
