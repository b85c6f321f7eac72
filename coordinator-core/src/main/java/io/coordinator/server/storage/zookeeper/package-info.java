/**
 * Reading an Apache ZooKeeper 3.5-3.9 data directory ({@code version-2}: {@code snapshot.<zxid>} and
 * {@code log.<zxid>} files) into a DataTree and a session table, with ZooKeeper's own rules for which snapshot
 * and which logs count ({@link io.coordinator.server.storage.zookeeper.ZkDataDir}). Only our own code: the
 * formats are documented on {@code ZkSnapshotFile} and {@code ZkLogFile}. Nothing here writes a file, so the
 * operator can always go back to ZooKeeper; the server's take-over (app/ZooKeeperTakeOver) writes the result
 * as Coordinator's first snapshot.
 */
package io.coordinator.server.storage.zookeeper;
