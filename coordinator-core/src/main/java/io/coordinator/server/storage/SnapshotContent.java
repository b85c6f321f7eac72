package io.coordinator.server.storage;

import java.io.DataOutput;
import java.io.IOException;

/** Writes the body of a snapshot (e.g. the data tree and session table). Must not close the output. */
@FunctionalInterface
public interface SnapshotContent {
    void writeTo(DataOutput out) throws IOException;
}
