package io.coordinator.testsupport;

/**
 * Present only on test class paths: a server process started with this module on its class path (and
 * {@code -Dcoordinator.plant=<name>}) may plant one of coordinator-core's {@code PlantedBug}s. The production
 * jar never contains it, so nothing a user sets can plant a bug.
 */
public final class PlantedBugMarker {
    private PlantedBugMarker() {}
}
