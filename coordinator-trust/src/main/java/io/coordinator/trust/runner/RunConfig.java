package io.coordinator.trust.runner;

import io.coordinator.trust.nemesis.FaultKind;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The run's shape, from system properties (see the module README); {@code nodes} counts the voters. */
public record RunConfig(
        int rounds,
        int roundSeconds,
        int nodes,
        int observers,
        int clients,
        long seed,
        List<FaultKind> faults,
        Path jar,
        Path out,
        int tickMs,
        int sessionTimeoutMs,
        long minAckedWrites,
        String plant) {

    public static RunConfig fromSystemProperties() {
        String faults = System.getProperty("trust.faults", "all");
        List<FaultKind> kinds = faults.equals("all")
                ? FaultKind.rotation()
                : Arrays.stream(faults.split(","))
                        .map(String::trim)
                        .map(FaultKind::valueOf)
                        .toList();
        long seed = Long.getLong("trust.seed", 0L);
        return new RunConfig(
                Integer.getInteger("trust.rounds", 10),
                Integer.getInteger("trust.round-seconds", 20),
                Integer.getInteger("trust.nodes", 3),
                Integer.getInteger("trust.observers", 0),
                Integer.getInteger("trust.clients", 5),
                seed == 0 ? System.nanoTime() : seed,
                kinds,
                Path.of(System.getProperty(
                        "coordinator.server.jar", "coordinator-server/target/coordinator-server.jar")),
                Path.of(System.getProperty("trust.out", "target/trust")),
                500,
                6000,
                // a round that acknowledges fewer writes made no progress: a stuck ensemble passes no check
                Long.getLong("trust.min-acked-writes", 100),
                // a bug planted in every server (coordinator-core's PlantedBug), for the kill table; "" for none
                System.getProperty("trust.plant", ""));
    }
}
