package io.coordinator.config.format;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one configuration context, {@code /config/<context>}:
 * <ul>
 * <li>a child whose name marks a document ({@link DocumentFormat#ofChild}) holds a whole document;</li>
 * <li>the context node's own data, if not blank, is a document too, of the kind its text looks like;</li>
 * <li>every other child is one property: its name is the key, its data the value; deeper children add
 * dot-separated segments ({@code /config/app/spring/datasource/url} = {@code spring.datasource.url}).</li>
 * </ul>
 * Precedence: single-property nodes win over documents; among documents, a child document wins over the context
 * node's own data, and children apply in name order (a later name wins). A document that does not parse keeps
 * the values it had when last read (if the caller knows them) and does not hold back the rest of the context.
 */
public final class ContextReader {
    private ContextReader() {}

    /**
     * What a context holds: the flat properties ({@code values}), each document's own values in the order they
     * apply (the context node first, under its own path), and the documents that did not parse (path to error).
     */
    public record Content(
            Map<String, String> values, Map<String, Map<String, String>> documents, Map<String, String> broken) {}

    /**
     * Reads the context at {@code path}, or returns null when it does not exist. A document that does not parse
     * keeps its values from {@code lastGood} (document path to values), if there.
     */
    public static Content read(ConfigNodes nodes, String path, Map<String, Map<String, String>> lastGood)
            throws Exception {
        ConfigNodes.Node own = nodes.node(path);
        if (own == null) {
            return null;
        }
        Reading r = new Reading(lastGood);
        if (own.hasData()) {
            String text = new String(own.data(), StandardCharsets.UTF_8);
            if (!text.isBlank()) {
                r.document(path, DocumentFormat.ofContextData(text), own.data());
            }
        }
        walk(nodes, path, "", r);
        return new Content(merge(r.documents.values(), r.singles), r.documents, r.broken);
    }

    /** The precedence: documents in the order given (a later one wins), then single properties over them all. */
    public static Map<String, String> merge(Iterable<Map<String, String>> documents, Map<String, String> singles) {
        Map<String, String> out = new LinkedHashMap<>();
        documents.forEach(out::putAll);
        out.putAll(singles);
        return out;
    }

    private static void walk(ConfigNodes nodes, String path, String prefix, Reading r) throws Exception {
        List<String> listed = nodes.children(path);
        if (listed == null) {
            return;
        }
        List<String> children = new ArrayList<>(listed);
        children.sort(null);
        for (String child : children) {
            String childPath = path + "/" + child;
            ConfigNodes.Node node = nodes.node(childPath);
            if (node == null) {
                continue; // deleted since the listing
            }
            DocumentFormat format = prefix.isEmpty() ? DocumentFormat.ofChild(child) : null;
            if (format != null) {
                if (node.hasData()) {
                    r.document(childPath, format, node.data());
                }
                continue;
            }
            String key = prefix.isEmpty() ? child : prefix + "." + child;
            if (node.hasData()) {
                r.singles.put(key, new String(node.data(), StandardCharsets.UTF_8));
            }
            if (node.children() > 0) {
                walk(nodes, childPath, key, r);
            }
        }
    }

    /** What one read has found so far. */
    private static final class Reading {
        final Map<String, Map<String, String>> lastGood;
        final Map<String, Map<String, String>> documents = new LinkedHashMap<>();
        final Map<String, String> singles = new LinkedHashMap<>();
        final Map<String, String> broken = new LinkedHashMap<>();

        Reading(Map<String, Map<String, String>> lastGood) {
            this.lastGood = lastGood;
        }

        void document(String nodePath, DocumentFormat format, byte[] data) {
            try {
                documents.put(nodePath, format.parse(data));
            } catch (DocumentException e) {
                broken.put(nodePath, e.getMessage());
                Map<String, String> last = lastGood.get(nodePath);
                if (last != null) {
                    documents.put(nodePath, last);
                }
            }
        }
    }
}
