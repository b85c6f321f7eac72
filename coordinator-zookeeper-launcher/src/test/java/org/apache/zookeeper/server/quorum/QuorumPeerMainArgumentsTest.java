package org.apache.zookeeper.server.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the launcher hands the server: the zoo.cfg and the ZooKeeper system properties as Coordinator settings. */
class QuorumPeerMainArgumentsTest {
    @TempDir
    Path dir;

    @Test
    void theZooCfgBecomesAnAbsoluteZooCfgSettingAndZooKeepersSystemPropertiesTheirSettings() throws Exception {
        Path cfg = Files.writeString(dir.resolve("zoo.cfg"), "dataDir=" + dir + "\n");
        Properties system = new Properties();
        system.setProperty("zookeeper.DigestAuthenticationProvider.superDigest", "super:D/InIHSb7yEEbrWz8b9l71RjZJU=");
        system.setProperty("readonlymode.enabled", "true");
        system.setProperty("zookeeper.log.dir", "/var/log/zookeeper");
        system.setProperty("zookeeper.root.logger", "INFO,CONSOLE"); // log4j's: nothing to hand on
        system.setProperty("java.io.tmpdir", "/tmp");

        assertThat(QuorumPeerMain.arguments(new String[] {cfg.toString()}, system))
                .containsExactly(
                        "--coordinator.zoo-cfg=" + cfg.toAbsolutePath(),
                        "--coordinator.read-only-mode-enabled=true",
                        "--coordinator.super-digest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=",
                        "--logging.file.path=/var/log/zookeeper");
    }

    @Test
    void aRelativeZooCfgIsResolvedAgainstTheWorkingDirectory() throws Exception {
        Path cfg = Files.writeString(Files.createTempFile(Path.of(""), "zoo", ".cfg"), "dataDir=/tmp\n");
        try {
            assertThat(QuorumPeerMain.arguments(new String[] {cfg.toString()}, new Properties()))
                    .containsExactly("--coordinator.zoo-cfg=" + cfg.toAbsolutePath());
        } finally {
            Files.delete(cfg);
        }
    }

    @Test
    void refusesAnythingButOneReadableZooCfgNamingWhatItGot() {
        assertThatThrownBy(() -> QuorumPeerMain.arguments(new String[0], new Properties()))
                .hasMessageContaining("expected one argument, the zoo.cfg")
                .hasMessageContaining("got 0");
        // ZooKeeper's standalone form "port dataDir" is not offered
        assertThatThrownBy(() -> QuorumPeerMain.arguments(new String[] {"2181", "/data"}, new Properties()))
                .hasMessageContaining("got 2 (2181 /data)");
        Path missing = dir.resolve("missing.cfg");
        assertThatThrownBy(() -> QuorumPeerMain.arguments(new String[] {missing.toString()}, new Properties()))
                .hasMessageContaining(missing + " is not a readable zoo.cfg file");
        assertThatThrownBy(() -> QuorumPeerMain.arguments(new String[] {dir.toString()}, new Properties()))
                .hasMessageContaining(dir + " is not a readable zoo.cfg file");
    }
}
