package io.coordinator.server.storage;

import java.util.Optional;

/**
 * What {@link Recovery#recover} did.
 *
 * @param snapshot the snapshot loaded, if any
 * @param replayed how many log records were handed to the applier
 * @param lastZxid the last zxid of the recovered state (max of the snapshot's and the log's)
 */
public record RecoveryResult<T>(Optional<LoadedSnapshot<T>> snapshot, long replayed, long lastZxid) {

    /** The zxid the snapshot was taken at, or 0 without a snapshot. */
    public long snapshotZxid() {
        return snapshot.map(LoadedSnapshot::zxid).orElse(0L);
    }
}
