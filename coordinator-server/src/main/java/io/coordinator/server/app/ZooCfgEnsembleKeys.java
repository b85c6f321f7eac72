package io.coordinator.server.app;

/**
 * zoo.cfg keys about the ensemble's shape that Coordinator cannot honour: they are refused with the reason, never
 * dropped, because dropping them would start a different ensemble (or a standalone server) than the file describes.
 */
final class ZooCfgEnsembleKeys {
    private ZooCfgEnsembleKeys() {}

    /** The reason {@code key=value} is refused, or null when it is acceptable. */
    static String refusal(String key, String value) {
        if (key.startsWith("group.") || key.startsWith("weight.")) {
            return hierarchical(key);
        }
        return null;
    }

    /** Why a group.N / weight.N key (in zoo.cfg or its dynamic file) is refused. */
    static String hierarchical(String key) {
        return "'" + key + "' configures hierarchical quorums (group.N/weight.N), which Coordinator's ZAB"
                + " core does not implement; remove the group.N and weight.N keys to use plain majority"
                + " quorums";
    }
}
