package io.coordinator.server.storage;

import io.coordinator.server.protocol.TxnRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Rebuilds state at startup: the latest valid snapshot, then the log after it. */
public final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private Recovery() {}

    /**
     * Loads the newest valid snapshot (or none) with {@code loader}, then hands every log record with a zxid
     * greater than the snapshot's zxid to {@code applier}, in zxid order. Snapshots are fuzzy (taken while
     * writes continue), so the applier must tolerate txns whose effect the snapshot already contains.
     *
     * @throws CorruptStorageException if the log no longer holds every txn after the snapshot (it was purged
     *                                 too far, or the snapshots it relied on are gone or invalid)
     */
    public static <T> RecoveryResult<T> recover(
            SnapshotStore snapshots, TxnLog log, SnapshotLoader<T> loader, Consumer<TxnRecord> applier)
            throws IOException {
        Optional<LoadedSnapshot<T>> snap = snapshots.loadLatest(loader);
        long snapZxid = snap.map(LoadedSnapshot::zxid).orElse(0L);
        if (snapZxid < log.baseZxid()) {
            throw new CorruptStorageException("Cannot recover: the transaction log only holds txns after zxid 0x"
                    + Long.toHexString(log.baseZxid()) + " but the newest valid snapshot is "
                    + (snap.isPresent() ? "at zxid 0x" + Long.toHexString(snapZxid) : "missing")
                    + ", so txns in between are lost. Restore the data directory or re-sync from the ensemble.");
        }
        long replayed = 0;
        long last = snapZxid;
        try (TxnLog.LogIterator it = log.read(snapZxid)) {
            while (it.hasNext()) {
                TxnRecord r = it.next();
                applier.accept(r);
                last = r.zxid();
                replayed++;
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (log.lastZxid() < snapZxid) {
            // the snapshot is newer than the whole log: restart the log after it, so it stays gap-free
            log.advanceTo(snapZxid);
        }
        long lastZxid = Math.max(last, Math.max(snapZxid, log.lastZxid()));
        LOG.info(
                "Recovered to zxid 0x{}: snapshot at 0x{}, {} txn(s) replayed",
                Long.toHexString(lastZxid),
                Long.toHexString(snapZxid),
                replayed);
        return new RecoveryResult<>(snap, replayed, lastZxid);
    }
}
