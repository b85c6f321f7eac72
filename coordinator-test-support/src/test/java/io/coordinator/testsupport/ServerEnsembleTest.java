package io.coordinator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher against a real child JVM: a stub that answers srvr (the real server is the other modules' part). */
class ServerEnsembleTest {
    private static final Path STUB =
            Path.of("src", "test", "resources", "SrvrStub.java").toAbsolutePath();

    private static ServerEnsemble.Command stub() {
        return (ensemble, m) -> List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m",
                STUB.toString(),
                Integer.toString(m.clientPort()));
    }

    @Test
    void startsPausesResumesAndKillsAMemberAndKeepsItsLog(@TempDir Path dir) throws Exception {
        try (ServerEnsemble e = new ServerEnsemble(1, dir, "stub", stub())) {
            e.process(1).environment("STUB_EXTRA", "given");
            e.startAll();
            e.awaitReady(Duration.ofSeconds(60));
            assertThat(e.mode(1)).isEqualTo("standalone");
            assertThat(e.leaderId()).isEqualTo(1);

            e.process(1).pause();
            assertThat(e.mode(1)).isNull();
            assertThat(e.ready()).isFalse();
            assertThat(FourLetterWord.mode(e.member(1).clientPort()))
                    .as("a stopped process answers nothing")
                    .isNull();
            e.process(1).resume();
            assertThat(FourLetterWord.mode(e.member(1).clientPort())).isEqualTo("standalone");

            e.kill(1);
            assertThat(e.isRunning(1)).isFalse();
            assertThat(e.mode(1)).isNull();
            e.start(1);
            e.awaitReady(Duration.ofSeconds(60));
            assertThat(e.process(1).starts()).isEqualTo(2);
        }
        String log = Files.readString(dir.resolve("node1.log"));
        assertThat(log)
                .startsWith("==== start 1\n")
                .contains("==== start 2\n")
                .contains("COORDINATOR variables: 0, STUB_EXTRA=given");
    }

    @Test
    void aMemberThatExitsFailsTheWaitWithItsLog(@TempDir Path dir) throws Exception {
        ServerEnsemble.Command exits = (ensemble, m) ->
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-no-such-option");
        try (ServerEnsemble e = new ServerEnsemble(2, dir, "bad", exits)) {
            e.startAll();
            assertThatThrownBy(() -> e.awaitReady(Duration.ofSeconds(60)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("exited")
                    .hasMessageContaining("no-such-option");
        }
    }

    @Test
    void membersGetDistinctPortsBelowTheEphemeralRangeAndOneEnsembleString(@TempDir Path dir) throws Exception {
        try (ServerEnsemble e = new ServerEnsemble(3, dir, "n", stub())) {
            List<Integer> ports = e.members().stream()
                    .flatMap(m -> java.util.stream.Stream.of(m.clientPort(), m.quorumPort(), m.electionPort()))
                    .toList();
            assertThat(ports).doesNotHaveDuplicates().allMatch(p -> p >= 10_000 && p < 32_768);
            Member two = e.member(2);
            assertThat(e.coordinatorEnsemble())
                    .contains("2=127.0.0.1:" + two.quorumPort() + ":" + two.electionPort() + ";" + two.clientPort());
            assertThat(e.connectString())
                    .isEqualTo(e.members().stream()
                            .map(Member::address)
                            .collect(java.util.stream.Collectors.joining(",")));
            assertThat(CoordinatorLauncher.memberArgs(e, two))
                    .contains(
                            "--coordinator.server-id=2",
                            "--coordinator.ensemble=" + e.coordinatorEnsemble(),
                            "--coordinator.client-port=" + two.clientPort(),
                            "--coordinator.data-dir=" + two.dataDir());
        }
    }
}
