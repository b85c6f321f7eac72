package io.coordinator.spring.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Which instances discovery serves when a service's live list drops during or right after an outage, in the
 * spirit of Nacos's protect threshold, bounded in time. Pure: the caller hands in the time and the lists.
 * <ul>
 * <li>When the session stops being connected, every service's served list is recorded as its reference.</li>
 * <li>While the session is not connected, and until {@code maxDuration} after it is connected again, a service
 * whose live list falls below {@code threshold} x its reference (or to empty) is <em>held</em>: discovery serves
 * the live instances plus the reference's other instances.</li>
 * <li>A hold ends when the live list is back to the threshold (re-registrations replace the kept entries, by
 * instance id), or after {@code maxDuration}, whichever comes first; then the live list is served as it is.</li>
 * <li>While the session is healthy (connected for longer than {@code maxDuration}) nothing is held: a deletion seen
 * then is a deregistration or an expiry the server decided, and is served at once.</li>
 * </ul>
 */
final class InstanceProtection {

    /** A held service: the reference's instances kept beside the live ones, from {@code since} until {@code until}. */
    record Hold(List<ServiceInstance> kept, Instant since, Instant until, int live) {}

    private final boolean enabled;
    private final double threshold;
    private final Duration maxDuration;
    /** When the current outage episode began; null while healthy. */
    private Instant riskSince;
    /** When the session was connected again in this episode; null while it is not. */
    private Instant connectedAt;

    private final Map<String, List<ServiceInstance>> reference = new HashMap<>();
    private final Map<String, Hold> holds = new HashMap<>();
    private long started;
    private long expired;

    InstanceProtection(boolean enabled, double threshold, Duration maxDuration) {
        if (threshold < 0 || threshold > 1) {
            throw new IllegalArgumentException(
                    "coordinator.client.discovery.protection.threshold=" + threshold + ": must be between 0 and 1");
        }
        if (maxDuration.isNegative()) {
            throw new IllegalArgumentException(
                    "coordinator.client.discovery.protection.max-duration=" + maxDuration + ": must not be negative");
        }
        this.enabled = enabled;
        this.threshold = threshold;
        this.maxDuration = maxDuration;
    }

    /** The session is suspended or lost; {@code serving} is what discovery serves now, per service. */
    synchronized void disconnected(Instant now, Map<String, List<ServiceInstance>> serving) {
        if (!enabled) {
            return;
        }
        if (!atRisk(now)) {
            riskSince = now;
            reference.clear();
            serving.forEach((service, list) -> {
                if (!list.isEmpty()) {
                    reference.put(service, List.copyOf(list));
                }
            });
        }
        connectedAt = null;
    }

    /** The session is connected (again). */
    synchronized void connected(Instant now) {
        if (riskSince != null && connectedAt == null) {
            connectedAt = now;
        }
    }

    /** What to serve for {@code service} whose live instances are {@code live}; starts or ends its hold. */
    synchronized List<ServiceInstance> serve(String service, List<ServiceInstance> live, Instant now) {
        if (!enabled) {
            return live;
        }
        Hold hold = holds.get(service);
        if (hold != null) {
            int referenceSize = hold.kept().size();
            if (!now.isBefore(hold.until())) {
                expired++;
                release(service);
                return live;
            }
            if (!below(live.size(), referenceSize)) {
                release(service);
                return live;
            }
            if (hold.live() != live.size()) {
                holds.put(service, new Hold(hold.kept(), hold.since(), hold.until(), live.size()));
            }
            return union(live, hold.kept());
        }
        List<ServiceInstance> ref = atRisk(now) ? reference.get(service) : null;
        if (ref != null && below(live.size(), ref.size())) {
            holds.put(service, new Hold(ref, now, now.plus(maxDuration), live.size()));
            started++;
            return union(live, ref);
        }
        return live;
    }

    /** When the hold of {@code service} ends at the latest, or null when it is not held. */
    synchronized Instant heldUntil(String service) {
        Hold h = holds.get(service);
        return h == null ? null : h.until();
    }

    /** The services held now (holds past their bound are released first), by name. */
    synchronized Map<String, Hold> holds(Instant now) {
        holds.entrySet().removeIf(e -> {
            if (!now.isBefore(e.getValue().until())) {
                expired++;
                reference.remove(e.getKey());
                return true;
            }
            return false;
        });
        return new TreeMap<>(holds);
    }

    synchronized Set<String> heldServices() {
        return Set.copyOf(holds.keySet());
    }

    /** Holds started so far. */
    synchronized long started() {
        return started;
    }

    /** Holds that ended at their bound rather than because the instances came back. */
    synchronized long expired() {
        return expired;
    }

    private void release(String service) {
        holds.remove(service);
        // once per service and outage: a later drop in the same episode is served as it is
        reference.remove(service);
    }

    private boolean atRisk(Instant now) {
        if (riskSince == null) {
            return false;
        }
        if (connectedAt == null || now.isBefore(connectedAt.plus(maxDuration))) {
            return true;
        }
        riskSince = null;
        connectedAt = null;
        reference.clear();
        return false;
    }

    private boolean below(int live, int referenceSize) {
        return referenceSize > 0 && (live == 0 || live < threshold * referenceSize);
    }

    /** The live instances, then the kept ones whose instance id is not live (a re-registration replaces its entry). */
    private static List<ServiceInstance> union(List<ServiceInstance> live, List<ServiceInstance> kept) {
        Map<String, ServiceInstance> out = new LinkedHashMap<>();
        live.forEach(i -> out.put(i.getInstanceId(), i));
        kept.forEach(i -> out.putIfAbsent(i.getInstanceId(), i));
        return List.copyOf(new ArrayList<>(out.values()));
    }
}
