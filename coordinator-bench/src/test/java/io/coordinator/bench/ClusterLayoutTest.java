package io.coordinator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.testsupport.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scale modes' clusters, as both sides are configured (no process is started). */
class ClusterLayoutTest {
    @TempDir
    Path dir;

    private Cluster.Config config() {
        return new Cluster.Config(
                System.getProperty("java.home"), "256m", 2000, dir.resolve("server.jar"), null, "cp", 60);
    }

    @Test
    void theModesNameTheirMembersAndObservers() {
        assertThat(SideBySide.modes("scale")).containsExactly("ensemble", "5-node", "3+2");
        assertThat(SideBySide.modes("observers")).containsExactly("3+2");
        assertThat(List.of("standalone", "ensemble", "5-node", "3+2").stream()
                        .map(m -> SideBySide.size(m) + "/" + SideBySide.observers(m)))
                .containsExactly("1/0", "3/0", "5/0", "5/2");
        assertThatThrownBy(() -> SideBySide.modes("7-node")).hasMessageContaining("--mode");
    }

    @Test
    void zooKeepersObserversAreMarkedOnEveryServerLineAndInTheirOwnConfig() throws Exception {
        try (Cluster c = new Cluster(Cluster.Side.ZOOKEEPER, 5, 2, dir, config())) {
            for (Member m : c.nodes) {
                String cfg = Files.readString(m.dataDir().resolve("zoo.cfg"));
                assertThat(cfg.lines().filter(l -> l.startsWith("server."))).hasSize(5);
                assertThat(cfg.lines().filter(l -> l.endsWith(":observer")))
                        .containsExactly(
                                "server.4=127.0.0.1:" + c.nodes.get(3).quorumPort() + ":"
                                        + c.nodes.get(3).electionPort() + ":observer",
                                "server.5=127.0.0.1:" + c.nodes.get(4).quorumPort() + ":"
                                        + c.nodes.get(4).electionPort() + ":observer");
                assertThat(cfg.contains("peerType=observer")).isEqualTo(m.id() > 3);
            }
        }
    }

    @Test
    void coordinatorsEnsembleSettingGivesTheObserversTheirRole() throws Exception {
        try (Cluster c = new Cluster(Cluster.Side.COORDINATOR, 5, 2, dir, config())) {
            List<String> entries = List.of(c.ensembleSetting(c.nodes).split(","));
            assertThat(entries).hasSize(5);
            assertThat(entries.stream().filter(e -> e.contains(":observer;")))
                    .map(e -> e.substring(0, e.indexOf('=')))
                    .containsExactly("4", "5");
        }
        assertThatThrownBy(() -> new Cluster(Cluster.Side.COORDINATOR, 2, 2, dir, config()))
                .hasMessageContaining("2 members with 2 observers");
    }
}
