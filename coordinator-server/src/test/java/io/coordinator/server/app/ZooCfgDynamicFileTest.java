package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 3.5+ zoo.cfg's dynamicConfigFile is read as ZooKeeper's QuorumPeerConfig reads it. */
class ZooCfgDynamicFileTest {
    @TempDir
    Path dir;

    private Path data;

    @BeforeEach
    void myid() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("myid"), "2\n");
    }

    private Map<String, Object> parse(String dynamic, String... cfgLines) throws IOException {
        Path dyn = dir.resolve("zoo.cfg.dynamic.100000000");
        if (dynamic != null) {
            Files.writeString(dyn, dynamic);
        }
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(
                cfg,
                "tickTime=2000\ndataDir=" + data + "\ndynamicConfigFile=" + dyn + "\n" + String.join("\n", cfgLines)
                        + "\n");
        return ZooCfgImport.parse(cfg);
    }

    @Test
    void theDynamicFilesServerLinesBecomeTheEnsembleAndOwnLineTheClientPort() throws Exception {
        Map<String, Object> props =
                parse("# written by ZooKeeper\nserver.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181\n"
                        + "server.2=127.0.0.1:2889:3889:participant;0.0.0.0:2182\n"
                        + "server.3=127.0.0.1:2890:3890:observer;2183\n");
        assertThat(props.get("coordinator.ensemble").toString())
                .isEqualTo("1=127.0.0.1:2888:3888:participant;127.0.0.1:2181,"
                        + "2=127.0.0.1:2889:3889:participant;0.0.0.0:2182,3=127.0.0.1:2890:3890:observer;2183");
        assertThat(props.get("coordinator.server-id").toString()).isEqualTo("2");
        assertThat(props.get("coordinator.client-port").toString()).isEqualTo("2182");
        assertThat(props.get("coordinator.client-address").toString()).isEqualTo("0.0.0.0");
    }

    @Test
    void aClientPortInZooCfgMustAgreeWithTheOwnServerLine() throws Exception {
        String dyn = "server.1=127.0.0.1:2888:3888;2181\nserver.2=127.0.0.1:2889:3889;2182\n";
        assertThat(parse(dyn, "clientPort=2182").get("coordinator.client-port").toString())
                .isEqualTo("2182");
        assertThatThrownBy(() -> parse(dyn, "clientPort=2999"))
                .hasMessageContaining("zoo.cfg.dynamic.100000000:2")
                .hasMessageContaining("clientPort=2999")
                .hasMessageContaining("differs");
    }

    @Test
    void serverLinesInBothFilesAreRefusedAsZooKeeperDoes() {
        assertThatThrownBy(() -> parse("server.1=127.0.0.1:2888:3888\n", "server.1=127.0.0.1:2888:3888"))
                .hasMessageContaining("zoo.cfg:4")
                .hasMessageContaining("'server.1' must be in the dynamic config file")
                .hasMessageContaining("line 3");
    }

    @Test
    void aMissingDynamicFileIsRefusedNamingIt() {
        assertThatThrownBy(() -> parse(null))
                .hasMessageContaining("zoo.cfg:3: dynamicConfigFile=")
                .hasMessageContaining("cannot read " + dir.resolve("zoo.cfg.dynamic.100000000"))
                .hasMessageContaining("NoSuchFileException");
    }

    @Test
    void aRelativePathIsResolvedAgainstTheWorkingDirectory() throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(
                cfg, "dataDir=" + data + "\ndynamicConfigFile=no-such-dir-" + dir.getFileName() + "/zoo.dyn\n");
        assertThatThrownBy(() -> ZooCfgImport.parse(cfg))
                .hasMessageContaining(Path.of("")
                        .toAbsolutePath()
                        .resolve("no-such-dir-" + dir.getFileName())
                        .toString())
                .hasMessageContaining("working directory");
    }

    @Test
    void hierarchicalQuorumsVersionAndOtherKeysInTheDynamicFileAreRefused() {
        assertThatThrownBy(() -> parse("server.1=127.0.0.1:2888:3888\ngroup.1=1:2\n"))
                .hasMessageContaining("zoo.cfg.dynamic.100000000:2")
                .hasMessageContaining("hierarchical quorums");
        assertThatThrownBy(() -> parse("server.1=127.0.0.1:2888:3888\nweight.1=2\n"))
                .hasMessageContaining("'weight.1'");
        assertThatThrownBy(() -> parse("version=100000000\nserver.1=127.0.0.1:2888:3888\n"))
                .hasMessageContaining("zoo.cfg.dynamic.100000000:1")
                .hasMessageContaining("must not hold 'version'");
        assertThatThrownBy(() -> parse("server.1=127.0.0.1:2888:3888\ntickTime=2000\n"))
                .hasMessageContaining("'tickTime' does not belong in a dynamic config file");
        assertThatThrownBy(() -> parse("server.1=127.0.0.1:2888\n"))
                .hasMessageContaining("zoo.cfg.dynamic.100000000:1")
                .hasMessageContaining("HOST:QUORUM_PORT:ELECTION_PORT");
        assertThatThrownBy(() -> parse("# nothing\n")).hasMessageContaining("holds no server.N line");
    }
}
