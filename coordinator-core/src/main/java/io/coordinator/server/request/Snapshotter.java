package io.coordinator.server.request;

import java.util.Map;

/**
 * Takes a snapshot in the background. Called on the pipeline thread with the zxid the tree had reached and
 * a copy of the session table (id -> timeout); the tree itself is serialized fuzzily while writes go on.
 */
public interface Snapshotter {
    void snapshot(long zxid, Map<Long, Integer> sessions);
}
