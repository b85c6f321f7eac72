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
 * <li>a child whose name ends in {@code .properties}, {@code .yaml} or {@code .yml} holds a whole document;</li>
 * <li>the context node's own data, if any, is a document too (YAML or .properties, detected);</li>
 * <li>every other child is one property: its name is the key, its data the value; deeper children add
 * dot-separated segments ({@code /config/app/spring/datasource/url} = {@code spring.datasource.url}).</li>
 * </ul>
 * Single-property nodes win over documents.
 */
public final class ConfigTree {
    private ConfigTree() {
    }

    /** Properties read and the version: the largest mzxid or pzxid seen (so a deleted node counts). */
    public record Snapshot(Map<String, Object> values, long mzxid) {
        public static final Snapshot EMPTY = new Snapshot(Map.of(), 0);
    }

    public static Snapshot read(CuratorFramework client, String path) throws Exception {
        Map<String, Object> documents = new LinkedHashMap<>();
        Map<String, Object> singles = new LinkedHashMap<>();
        long[] mzxid = {0};
        Stat stat = new Stat();
        byte[] own;
        try {
            own = client.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return Snapshot.EMPTY;
        }
        mzxid[0] = Math.max(mzxid[0], Math.max(stat.getMzxid(), stat.getPzxid())); // pzxid: a deleted child counts too
        if (own != null && own.length > 0) {
            String text = new String(own, StandardCharsets.UTF_8);
            if (!text.isBlank()) {
                documents.putAll(parse(path, looksLikeYaml(text) ? "yaml" : "properties", own));
            }
        }
        walk(client, path, "", documents, singles, mzxid);
        Map<String, Object> out = new LinkedHashMap<>(documents);
        out.putAll(singles);
        return new Snapshot(out, mzxid[0]);
    }

    private static void walk(CuratorFramework client, String path, String prefix, Map<String, Object> documents,
            Map<String, Object> singles, long[] mzxid) throws Exception {
        List<String> children;
        try {
            children = client.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return;
        }
        children.sort(null);
        for (String child : children) {
            String childPath = ZKPaths.makePath(path, child);
            Stat stat = new Stat();
            byte[] data;
            try {
                data = client.getData().storingStatIn(stat).forPath(childPath);
            } catch (KeeperException.NoNodeException gone) {
                continue;
            }
            mzxid[0] = Math.max(mzxid[0], Math.max(stat.getMzxid(), stat.getPzxid())); // pzxid: a deleted child counts too
            String lower = child.toLowerCase();
            if (prefix.isEmpty() && (lower.endsWith(".properties") || lower.endsWith(".yaml") || lower.endsWith(".yml"))) {
                if (data != null && data.length > 0) {
                    documents.putAll(parse(childPath, lower.endsWith(".properties") ? "properties" : "yaml", data));
                }
                continue;
            }
            String key = prefix.isEmpty() ? child : prefix + "." + child;
            if (data != null && data.length > 0) {
                singles.put(key, new String(data, StandardCharsets.UTF_8));
            }
            if (stat.getNumChildren() > 0) {
                walk(client, childPath, key, documents, singles, mzxid);
            }
        }
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
