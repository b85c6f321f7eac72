package io.coordinator.spring.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Reads one configuration context. Under {@code /config/<name>}:
 * <ul>
 * <li>a child whose name ends in {@code .properties}, {@code .yaml}, {@code .yml} or {@code .json} holds a whole
 * document;</li>
 * <li>the context node's own data, if any, is a document too (YAML or .properties, detected);</li>
 * <li>every other child is one property: its name is the key, its data the value; deeper children add
 * dot-separated segments ({@code /config/app/spring/datasource/url} = {@code spring.datasource.url}).</li>
 * </ul>
 * Single-property nodes win over documents; among documents, a child document wins over the context node's own
 * data, and children are applied in name order (a later name wins). A document that does not parse is skipped
 * (keeping its last good values when known) without holding back the rest of the context.
 */
public final class ConfigTree {
    private ConfigTree() {
    }

    /**
     * Properties read and the version: the largest mzxid or pzxid seen (so a deleted node counts); the values of
     * each document node, and the document nodes that could not be parsed (path to error with line and column),
     * whose last good values are kept in {@code documents} and {@code values}.
     */
    public record Snapshot(Map<String, Object> values, long mzxid, Map<String, Map<String, Object>> documents,
            Map<String, String> broken) {
        public static final Snapshot EMPTY = new Snapshot(Map.of(), 0);

        public Snapshot(Map<String, Object> values, long mzxid) {
            this(values, mzxid, Map.of(), Map.of());
        }
    }

    public static Snapshot read(CuratorFramework client, String path) throws Exception {
        return read(client, path, Map.of());
    }

    /**
     * Reads the context at {@code path}; a document that does not parse keeps the values it had in
     * {@code lastGood} (document path to values) and is listed in {@link Snapshot#broken()}.
     */
    public static Snapshot read(CuratorFramework client, String path, Map<String, Map<String, Object>> lastGood)
            throws Exception {
        Reading r = new Reading(lastGood);
        Stat stat = new Stat();
        byte[] own;
        try {
            own = client.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return Snapshot.EMPTY;
        }
        r.saw(stat);
        if (own != null && own.length > 0) {
            String text = new String(own, StandardCharsets.UTF_8);
            if (!text.isBlank()) {
                r.document(path, looksLikeYaml(text) ? "yaml" : "properties", own);
            }
        }
        walk(client, path, "", r);
        Map<String, Object> out = new LinkedHashMap<>();
        r.documents.values().forEach(out::putAll);
        out.putAll(r.singles); // single-property nodes win over documents
        return new Snapshot(out, r.mzxid, r.documents, r.broken);
    }

    /** What one read has found so far. */
    private static final class Reading {
        final Map<String, Map<String, Object>> lastGood;
        final Map<String, Map<String, Object>> documents = new LinkedHashMap<>();
        final Map<String, Object> singles = new LinkedHashMap<>();
        final Map<String, String> broken = new LinkedHashMap<>();
        long mzxid;

        Reading(Map<String, Map<String, Object>> lastGood) {
            this.lastGood = lastGood;
        }

        void saw(Stat stat) {
            mzxid = Math.max(mzxid, Math.max(stat.getMzxid(), stat.getPzxid())); // pzxid: a deleted child counts too
        }

        void document(String nodePath, String format, byte[] data) {
            try {
                documents.put(nodePath, parse(nodePath, format, data));
            } catch (IOException | RuntimeException e) {
                broken.put(nodePath, DocumentError.describe(e, data));
                Map<String, Object> last = lastGood.get(nodePath);
                if (last != null) {
                    documents.put(nodePath, last);
                }
            }
        }
    }

    private static void walk(CuratorFramework client, String path, String prefix, Reading r) throws Exception {
        List<String> children;
        Stat listed = new Stat();
        try {
            // The parent's pzxid as of this listing: a child deleted before it counts in the version.
            children = client.getChildren().storingStatIn(listed).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return;
        }
        r.saw(listed);
        children.sort(null);
        for (String child : children) {
            String childPath = ZKPaths.makePath(path, child);
            Stat stat = new Stat();
            byte[] data;
            try {
                data = client.getData().storingStatIn(stat).forPath(childPath);
            } catch (KeeperException.NoNodeException gone) {
                // Deleted since the listing: the snapshot leaves it out, so its version must include the delete
                // (the parent's pzxid now), or a change event would carry the version from before it.
                Stat parent = client.checkExists().forPath(path);
                if (parent != null) {
                    r.saw(parent);
                }
                continue;
            }
            r.saw(stat);
            String format = prefix.isEmpty() ? documentFormat(child) : null;
            if (format != null) {
                if (data != null && data.length > 0) {
                    r.document(childPath, format, data);
                }
                continue;
            }
            String key = prefix.isEmpty() ? child : prefix + "." + child;
            if (data != null && data.length > 0) {
                r.singles.put(key, new String(data, StandardCharsets.UTF_8));
            }
            if (stat.getNumChildren() > 0) {
                walk(client, childPath, key, r);
            }
        }
    }

    /** "properties" or "yaml" (JSON is read as YAML) for a document node's name, else null (a single property). */
    static String documentFormat(String name) {
        String lower = name.toLowerCase();
        if (lower.endsWith(".properties")) {
            return "properties";
        }
        return lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json") ? "yaml" : null;
    }

    static boolean looksLikeYaml(String text) {
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("!")) {
                continue;
            }
            if (t.equals("---")) {
                return true;
            }
            int colon = t.indexOf(':');
            int eq = t.indexOf('=');
            return colon > 0 && (eq < 0 || colon < eq);
        }
        return false;
    }

    static Map<String, Object> parse(String name, String format, byte[] data) throws IOException {
        ByteArrayResource resource = new ByteArrayResource(data, name);
        List<PropertySource<?>> sources = "yaml".equals(format)
                ? new YamlPropertySourceLoader().load(name, resource)
                : new PropertiesPropertySourceLoader().load(name, resource);
        Map<String, Object> out = new LinkedHashMap<>();
        // earlier YAML documents lose to later ones, as in application.yaml
        for (PropertySource<?> ps : sources) {
            if (ps instanceof EnumerablePropertySource<?> eps) {
                for (String key : eps.getPropertyNames()) {
                    Object v = eps.getProperty(key);
                    out.put(key, v == null ? null : v.toString());
                }
            }
        }
        return out;
    }
}
