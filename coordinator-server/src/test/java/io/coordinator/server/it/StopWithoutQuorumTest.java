package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.web.LocalZooKeeper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A member that lost its quorum holds its clients' requests, its own REST session's among them; stopping it must
 * not wait for them. (It did: the REST session's closeSession was held, and the official client waits for that
 * answer with no limit, so the stop lasted until the held connection's read timeout closed it.)
 */
@ExtendWith(OutputCaptureExtension.class)
class StopWithoutQuorumTest {
    private static final Pattern HOLDING = Pattern.compile("Holding [1-9]\\d* client connections");

    @Test
    void aMemberWithoutQuorumStopsWithoutWaitingForItsHeldRequests(@TempDir Path dir, CapturedOutput output)
            throws Exception {
        try (Servers.EnsembleUnderTest ensemble = Servers.coordinatorEnsemble(dir, false)) {
            // the REST layer's own session with the member that will be left alone
            ensemble.context(2).getBean(LocalZooKeeper.class).get();
            ensemble.stopMember(0);
            ensemble.stopMember(1);
            QuorumTlsTest.await(
                    "the last member to hold its clients (its REST layer's session at least)",
                    Duration.ofSeconds(60),
                    () -> HOLDING.matcher(output.getOut()).find());
            int before = output.getOut().length();

            ensemble.stopMember(2);

            assertThat(output.getOut().substring(before))
                    .as("the stop returned only once the held connection's read timeout had closed it")
                    // let go at a tick because its client is closing: yes; for its read timeout: no
                    .doesNotContainPattern("Closing the held connection of session \\S+: no leader for \\d+ ms\\R")
                    .contains("Client port " + ensemble.clientPorts()[2] + " stopped");
        }
    }
}
