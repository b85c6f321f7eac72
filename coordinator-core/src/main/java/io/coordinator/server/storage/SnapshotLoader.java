package io.coordinator.server.storage;

import java.io.DataInput;
import java.io.IOException;

/** Reads a snapshot body written by a {@link SnapshotContent}; must consume it entirely. */
@FunctionalInterface
public interface SnapshotLoader<T> {
    T readFrom(DataInput in) throws IOException;
}
