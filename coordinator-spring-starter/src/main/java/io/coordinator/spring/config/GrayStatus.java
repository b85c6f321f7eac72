package io.coordinator.spring.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gray release of one context as this instance last read it: the release id (null: none running, or its node
 * could not be used), whether it selects this instance (then the instance runs its values), and why a node that is
 * there could not be used (it does not decode, or this instance may not read it; null when fine).
 */
public record GrayStatus(String release, boolean selected, String problem) {
    /** No release running. */
    public static final GrayStatus NONE = new GrayStatus(null, false, null);

    /** The release this instance runs, or null when it runs the main version. */
    public String applied() {
        return selected ? release : null;
    }

    /** For the actuator endpoint: null when no release is running and nothing is wrong. */
    public Map<String, Object> describe() {
        if (release == null && problem == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("release", release);
        m.put("selected", selected);
        if (problem != null) {
            m.put("problem", problem);
        }
        return m;
    }
}
