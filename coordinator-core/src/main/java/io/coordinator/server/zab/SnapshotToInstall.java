package io.coordinator.server.zab;

/**
 * A snapshot received from the leader (SNAP sync). The driver installs it durably (the state machine is
 * replaced, the snapshot file fsynced) before the Ready's messages are sent. Log records at or before
 * {@code zxid} are superseded; if the log ends before {@code zxid} it continues from it (e.g.
 * {@code TxnLog.advanceTo(zxid)}), otherwise its records after {@code zxid} are kept (they are the leader's).
 */
public record SnapshotToInstall(long zxid, byte[] data) {}
