package io.coordinator.server.storage;

import java.nio.file.Path;

/** A snapshot that passed its checks and was loaded: its zxid, what the loader returned, and its file. */
public record LoadedSnapshot<T>(long zxid, T value, Path path) {}
