package io.coordinator.server.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Fault-injection hook consulted by the storage classes just before they write to, fsync, rename or delete a file.
 * The default implementation ({@link #NONE}) does nothing; tests throw from it to exercise the failure paths (a full
 * or read-only disk, a failing fsync) or watch it to learn what was made durable (a power-loss model).
 */
public interface StorageFaults {

    StorageFaults NONE = new StorageFaults() {};

    /** Called before {@code length} bytes are written at {@code offset} of {@code file}. */
    default void beforeWrite(Path file, long offset, int length) throws IOException {}

    /** Called before {@code file} (a regular file or a directory) is forced to disk. */
    default void beforeSync(Path file) throws IOException {}

    /** Called before {@code from} is renamed over {@code to}: durable only once their directory is fsynced. */
    default void beforeRename(Path from, Path to) throws IOException {}

    /** Called before {@code file} is deleted: durable only once its directory is fsynced. */
    default void beforeDelete(Path file) throws IOException {}
}
