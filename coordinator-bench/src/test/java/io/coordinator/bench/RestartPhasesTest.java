package io.coordinator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** A restart's phases, read off the server's own log lines in the order the server starts. */
class RestartPhasesTest {
    private static final String LOG = String.join(
            "\n",
            "2026-12-07T18:50:02.100Z  INFO 1 --- [tor-early-start] i.c.server.storage.DataDirectory : "
                    + "Opened data directory /tmp/d",
            "2026-12-07T18:50:02.700Z  INFO 1 --- [tor-early-start] i.c.server.app.CoordinatorServer : "
                    + "Coordinator serving ZooKeeper clients on 127.0.0.1:2181 (data in /tmp/d)",
            "2026-12-07T18:50:03.000Z  INFO 1 --- [           main] i.c.server.app.CoordinatorApplication : "
                    + "Starting CoordinatorApplication using Java 17",
            "2026-12-07T18:50:06.000Z  INFO 1 --- [           main] i.c.server.app.CoordinatorApplication : "
                    + "Started CoordinatorApplication in 4.5 seconds (process running for 5.5)");

    private static final long SPAWNED =
            OffsetDateTime.parse("2026-12-07T18:50:00.500Z").toInstant().toEpochMilli();

    @Test
    void eachPhaseRunsFromTheEndOfTheOneBefore() {
        // the JVM ran main 1,000 ms after the spawn (5.5 s - 4.5 s); the read was served 2,600 ms after the spawn
        assertThat(SideBySide.phases(LOG, SPAWNED, 2_600))
                .isEqualTo("\"toRunMs\":1000,\"runToDataDirMs\":600,\"dataDirToServingMs\":600,"
                        + "\"servingToSessionMs\":400,\"toStartedMs\":5500");
    }

    @Test
    void aMissingLineGivesMinusOneForItsPhasesOnly() {
        String noStarted = LOG.substring(0, LOG.lastIndexOf('\n'));
        assertThat(SideBySide.phases(noStarted, SPAWNED, 2_600))
                .isEqualTo("\"toRunMs\":-1,\"runToDataDirMs\":-1,\"dataDirToServingMs\":600,"
                        + "\"servingToSessionMs\":400,\"toStartedMs\":-1");
    }
}
