package io.coordinator.config.format.gray;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * Which instances a gray release reaches. Every criterion given must hold: {@code instances}, {@code addresses}
 * ({@code host} or {@code host:port}), {@code zones} and {@code services} each match any of their entries;
 * {@code labels} all of theirs (registration metadata); {@code percent} keeps the instances whose bucket, a hash of
 * the release id and the instance id, is below it, so the subset is stable for a release and grows as the percentage
 * does. A selector with no criterion selects nothing: a release to everyone is a publish.
 */
public record GraySelector(
        List<String> instances,
        List<String> addresses,
        List<String> zones,
        List<String> services,
        Map<String, String> labels,
        Integer percent) {
    public GraySelector {
        instances = instances == null ? List.of() : List.copyOf(instances);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        zones = zones == null ? List.of() : List.copyOf(zones);
        services = services == null ? List.of() : List.copyOf(services);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        if (percent != null && (percent < 0 || percent > 100)) {
            throw new IllegalArgumentException("selector.percent must be between 0 and 100, not " + percent);
        }
    }

    /** Whether at least one criterion is given. */
    public boolean isEmpty() {
        return instances.isEmpty()
                && addresses.isEmpty()
                && zones.isEmpty()
                && services.isEmpty()
                && labels.isEmpty()
                && percent == null;
    }

    /** Whether the instance described by {@code facts} runs release {@code release} under this selector. */
    public boolean matches(String release, InstanceFacts facts) {
        if (isEmpty()) {
            return false;
        }
        if (!instances.isEmpty() && !instances.contains(facts.instanceId())) {
            return false;
        }
        if (!addresses.isEmpty()
                && !(facts.host() != null
                        && (addresses.contains(facts.host())
                                || (facts.port() > 0 && addresses.contains(facts.host() + ":" + facts.port()))))) {
            return false;
        }
        if (!zones.isEmpty() && !zones.contains(facts.zone())) {
            return false;
        }
        if (!services.isEmpty() && !services.contains(facts.service())) {
            return false;
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!label.getValue().equals(facts.metadata().get(label.getKey()))) {
                return false;
            }
        }
        return percent == null || bucket(release, facts.instanceId()) < percent;
    }

    /** The instance's bucket (0 to 99) in a release: the first four bytes of SHA-256("release/instanceId"). */
    public static int bucket(String release, String instanceId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((release + "/" + instanceId).getBytes(StandardCharsets.UTF_8));
            long v = ((h[0] & 0xffL) << 24) | ((h[1] & 0xffL) << 16) | ((h[2] & 0xffL) << 8) | (h[3] & 0xffL);
            return (int) (v % 100);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
