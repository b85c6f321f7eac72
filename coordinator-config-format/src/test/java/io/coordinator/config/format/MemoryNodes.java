package io.coordinator.config.format;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A znode tree in memory: path to data ("" for a node without data); parents are made as needed. */
final class MemoryNodes implements ConfigNodes {
    private final Map<String, String> nodes = new TreeMap<>();
    /** Listed as children but gone when read, like a node deleted between getChildren and getData. */
    private final List<String> vanishing = new ArrayList<>();

    MemoryNodes set(String path, String data) {
        for (int slash = path.indexOf('/', 1); slash > 0; slash = path.indexOf('/', slash + 1)) {
            nodes.putIfAbsent(path.substring(0, slash), "");
        }
        nodes.put(path, data);
        return this;
    }

    MemoryNodes vanishing(String path) {
        set(path, "gone");
        vanishing.add(path);
        return this;
    }

    @Override
    public Node node(String path) {
        String data = nodes.get(path);
        if (data == null || vanishing.contains(path)) {
            return null;
        }
        return new Node(data.getBytes(StandardCharsets.UTF_8), children(path).size());
    }

    @Override
    public List<String> children(String path) {
        if (!nodes.containsKey(path)) {
            return null;
        }
        List<String> out = new ArrayList<>();
        String prefix = path + "/";
        for (String p : nodes.keySet()) {
            if (p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0) {
                out.add(0, p.substring(prefix.length())); // reverse order: the reader must sort
            }
        }
        return out;
    }
}
