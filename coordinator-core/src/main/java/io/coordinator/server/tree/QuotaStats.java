package io.coordinator.server.tree;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The text kept in quota nodes, parsed and printed as ZooKeeper's StatsTrack does: {@code key=long} pairs
 * separated by ',' or ';'. Old format {@code count=5,bytes=100}; new format
 * {@code count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=5}. Missing keys read as -1.
 */
final class QuotaStats {
    static final String QUOTA_ROOT = "/zookeeper/quota";
    static final String LIMIT_NODE = "zookeeper_limits";
    static final String STAT_NODE = "zookeeper_stats";

    private static final Pattern SEPARATOR = Pattern.compile("[,;]+");

    private final Map<String, Long> values = new HashMap<>();

    private QuotaStats() {}

    /** Parses the node data; unparsable text yields what parsed before it, like a lenient StatsTrack. */
    static QuotaStats parse(byte[] data) {
        QuotaStats s = new QuotaStats();
        if (data == null || data.length == 0) {
            return s;
        }
        for (String pair : SEPARATOR.split(new String(data, StandardCharsets.UTF_8))) {
            String[] kv = pair.split("=");
            if (kv.length < 1 || kv[0].isEmpty()) {
                continue;
            }
            try {
                s.values.put(kv[0], kv.length < 2 || kv[1].isEmpty() ? -1L : Long.parseLong(kv[1].trim()));
            } catch (NumberFormatException e) {
                // ZooKeeper would fail the whole txn here; we skip the bad pair and keep the tree consistent.
            }
        }
        return s;
    }

    static QuotaStats counts(long count, long bytes) {
        QuotaStats s = new QuotaStats();
        s.values.put("count", count);
        s.values.put("bytes", bytes);
        return s;
    }

    long get(String key) {
        return values.getOrDefault(key, -1L);
    }

    long count() {
        return get("count");
    }

    long bytes() {
        return get("bytes");
    }

    long countHardLimit() {
        return get("countHardLimit");
    }

    long byteHardLimit() {
        return get("byteHardLimit");
    }

    QuotaStats add(long countDelta, long bytesDelta) {
        values.put("count", count() + countDelta);
        values.put("bytes", bytes() + bytesDelta);
        return this;
    }

    /** count and bytes first (old parsers read only those), then other keys sorted after a '=' guard. */
    @Override
    public String toString() {
        StringBuilder sb =
                new StringBuilder("count=").append(count()).append(",bytes=").append(bytes());
        List<String> rest = new ArrayList<>(values.keySet());
        rest.remove("count");
        rest.remove("bytes");
        if (!rest.isEmpty()) {
            sb.append('=');
            Collections.sort(rest);
            for (String k : rest) {
                sb.append(';').append(k).append('=').append(values.get(k));
            }
        }
        return sb.toString();
    }

    byte[] toBytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    static String limitPath(String quotaedPath) {
        return QUOTA_ROOT + quotaedPath + "/" + LIMIT_NODE;
    }

    static String statPath(String quotaedPath) {
        return QUOTA_ROOT + quotaedPath + "/" + STAT_NODE;
    }

    /** For a node under /zookeeper/quota/X, the quota'd path X; null when the parent is not such a node. */
    static String quotaedPathOf(String parentPath) {
        if (!parentPath.startsWith(QUOTA_ROOT + "/")) {
            return null;
        }
        return parentPath.substring(QUOTA_ROOT.length());
    }
}
