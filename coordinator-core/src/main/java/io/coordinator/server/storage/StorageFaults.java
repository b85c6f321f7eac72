package io.coordinator.server.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Fault-injection hook consulted by the storage classes just before they write to or fsync a file. The
 * default implementation ({@link #NONE}) does nothing; tests (and, later, a simulated disk) throw from it
 * to exercise the failure paths.
 */
public interface StorageFaults {

    StorageFaults NONE = new StorageFaults() {};

    /** Called before {@code length} bytes are written at {@code offset} of {@code file}. */
    default void beforeWrite(Path file, long offset, int length) throws IOException {}

    /** Called before {@code file} (a regular file or a directory) is forced to disk. */
    default void beforeSync(Path file) throws IOException {}
}
