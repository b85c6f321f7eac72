package io.coordinator.config.format;

import java.util.List;

/**
 * The znodes a context is read from, by whatever client the caller has. Each side also notes the versions it
 * sees here (the server and the starter version a context differently).
 */
public interface ConfigNodes {
    /** The node at {@code path}, or null when there is none (any more). */
    Node node(String path) throws Exception;

    /** The names of the children of {@code path}, or null when the node is gone. */
    List<String> children(String path) throws Exception;

    /** A node's data (null or empty: none) and how many children it has. */
    record Node(byte[] data, int children) {
        boolean hasData() {
            return data != null && data.length > 0;
        }
    }
}
