package io.coordinator.server.zab;

import io.coordinator.server.protocol.TxnRecord;
import java.util.List;

/**
 * Everything the driver must do since the last {@link ZabNode#ready()}; {@link ReadyExecutor} does it, in this
 * order: persist {@code epochsToPersist} (atomically, fsynced; null = unchanged) and {@code configToPersist} (the
 * newest committed configuration, ZooKeeper's dynamic config file; null = unchanged) → cut the log after {@code truncateAfter}
 * (-1 = none; when done the cut and every record that survives it are durable, as {@code TxnLog.truncateAfter}) → install {@code snapshot} (null = none) → send {@code messages} → append
 * {@code toAppend} (durable later: report with {@link ZabNode#persisted}, naming {@code logGeneration}) → apply {@code toApply} (committed and
 * locally durable, in zxid order, no gaps) → {@link ZabNode#advance}.
 *
 * <p>The lists belong to the Ready: the core hands over lists it never touches again (no copies on the hot
 * path), and the driver must not change them.
 */
public record Ready(
        Epochs epochsToPersist,
        long truncateAfter,
        SnapshotToInstall snapshot,
        List<TxnRecord> toAppend,
        List<Outgoing> messages,
        List<TxnRecord> toApply,
        boolean roleChanged,
        ZabConfig configToPersist,
        long logGeneration) {}
