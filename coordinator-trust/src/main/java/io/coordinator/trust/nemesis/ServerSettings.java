package io.coordinator.trust.nemesis;

import java.nio.file.Path;

/**
 * What every server of an ensemble shares: the jar, the tick, and the planted bug ("" for none; see
 * coordinator-core's {@code PlantedBug}: the servers then run with the test-only marker on their class path).
 */
public record ServerSettings(Path jar, int tickMs, String plant) {}
