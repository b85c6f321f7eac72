package io.coordinator.trust.nemesis;

import java.nio.file.Path;

/** What every server of an ensemble shares: the jar and the tick. */
public record ServerSettings(Path jar, int tickMs) {}
