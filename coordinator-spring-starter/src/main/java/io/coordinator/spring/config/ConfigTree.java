package io.coordinator.spring.config;

import io.coordinator.config.format.ConfigNodes;
import io.coordinator.config.format.ContextReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Reads one configuration context with Curator. The layout, the parsing of documents and which value wins are
 * {@link ContextReader}'s (shared with the server's REST layer); this class adds the version: the largest mzxid
 * or pzxid seen, so that a deleted node counts too.
 */
public final class ConfigTree {
    private ConfigTree() {}

    /**
     * Properties read and the version: the largest mzxid or pzxid seen (so a deleted node counts); the values of
     * each document node, and the document nodes that could not be parsed (path to error with line and column),
     * whose last good values are kept in {@code documents} and {@code values}.
     */
    public record Snapshot(
            Map<String, Object> values,
            long mzxid,
            Map<String, Map<String, Object>> documents,
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
        Versioned nodes = new Versioned(client);
        ContextReader.Content content = ContextReader.read(nodes, path, asText(lastGood));
        if (content == null) {
            return Snapshot.EMPTY;
        }
        Map<String, Map<String, Object>> documents = new LinkedHashMap<>();
        content.documents().forEach((doc, values) -> documents.put(doc, new LinkedHashMap<>(values)));
        return new Snapshot(new LinkedHashMap<>(content.values()), nodes.mzxid, documents, content.broken());
    }

    /** Document values as the reader keeps them (they are text; a local copy reads them back as Objects). */
    private static Map<String, Map<String, String>> asText(Map<String, Map<String, Object>> documents) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        documents.forEach((doc, values) -> {
            Map<String, String> text = new LinkedHashMap<>();
            values.forEach((k, v) -> text.put(k, v == null ? null : v.toString()));
            out.put(doc, text);
        });
        return out;
    }

    /** The context's nodes through Curator, noting the largest mzxid or pzxid seen. */
    private static final class Versioned implements ConfigNodes {
        private final CuratorFramework client;
        long mzxid;

        Versioned(CuratorFramework client) {
            this.client = client;
        }

        private void saw(Stat stat) {
            mzxid = Math.max(mzxid, Math.max(stat.getMzxid(), stat.getPzxid())); // pzxid: a deleted child counts too
        }

        @Override
        public Node node(String path) throws Exception {
            Stat stat = new Stat();
            byte[] data;
            try {
                data = client.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException gone) {
                // Deleted since the listing: the snapshot leaves it out, so its version must include the delete
                // (the parent's pzxid now), or a change event would carry the version from before it.
                Stat parent = client.checkExists()
                        .forPath(ZKPaths.getPathAndNode(path).getPath());
                if (parent != null) {
                    saw(parent);
                }
                return null;
            }
            saw(stat);
            return new Node(data, stat.getNumChildren());
        }

        @Override
        public List<String> children(String path) throws Exception {
            Stat listed = new Stat();
            try {
                // The parent's pzxid as of this listing: a child deleted before it counts in the version.
                List<String> children =
                        client.getChildren().storingStatIn(listed).forPath(path);
                saw(listed);
                return children;
            } catch (KeeperException.NoNodeException e) {
                return null;
            }
        }
    }
}
