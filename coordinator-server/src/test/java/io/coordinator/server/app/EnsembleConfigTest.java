package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ensemble syntax (zoo.cfg's server.N) and its import from zoo.cfg + myid. */
class EnsembleConfigTest {
    @TempDir
    Path dir;

    @Test
    void parsesParticipantsObserversAndClientPorts() {
        List<EnsembleMember> ms = EnsembleMember.parseAll(
                "1=127.0.0.1:2888:3888, 2=127.0.0.1:2889:3889:participant;2182 ,3=host3:2890:3890:observer;0.0.0.0:2183");
        assertThat(ms)
                .containsExactly(
                        new EnsembleMember(1, "127.0.0.1", 2888, 3888, false, null, -1),
                        new EnsembleMember(2, "127.0.0.1", 2889, 3889, false, null, 2182),
                        new EnsembleMember(3, "host3", 2890, 3890, true, "0.0.0.0", 2183));
        assertThat(ms.get(0).configLine()).isEqualTo("server.1=127.0.0.1:2888:3888:participant");
        assertThat(ms.get(1).configLine()).isEqualTo("server.2=127.0.0.1:2889:3889:participant;0.0.0.0:2182");
        assertThat(ms.get(2).configLine()).isEqualTo("server.3=host3:2890:3890:observer;0.0.0.0:2183");
    }

    @Test
    void rejectsMalformedEntriesNamingThem() {
        assertThatThrownBy(() -> EnsembleMember.parseAll("1=h:2888")).hasMessageContaining("server 1");
        assertThatThrownBy(() -> EnsembleMember.parseAll("1=h:2888:3888,1=h:2889:3889"))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> EnsembleMember.parseAll("x=h:2888:3888")).hasMessageContaining("'x'");
        assertThatThrownBy(() -> EnsembleMember.parseAll("0=h:2888:3888")).hasMessageContaining("1..254");
        assertThatThrownBy(() -> EnsembleMember.parseAll("1=h:2888:3888:voter"))
                .hasMessageContaining("participant or observer");
        assertThatThrownBy(() -> EnsembleMember.parseAll("1=h:2888:99999")).hasMessageContaining("election port");
        assertThatThrownBy(() -> EnsembleMember.parseAll("1=h:2888:2888")).hasMessageContaining("must differ");
    }

    @Test
    void propertiesValidateServerIdAgainstEnsemble() {
        assertThat(CoordinatorPropertiesBindingTest.bind(Map.of()).isStandalone())
                .isTrue();
        String two = "1=127.0.0.1:2888:3888,2=127.0.0.1:2889:3889";
        assertThat(ensemble(two, 3).isServerIdInEnsemble()).isFalse();
        assertThat(ensemble(two, 2).isServerIdInEnsemble()).isTrue();
        assertThat(ensemble("1=127.0.0.1:2888:3888:observer", 1).isEnsembleHasVoters())
                .isFalse();
        assertThat(ensemble("1=127.0.0.1:2888", 1).isEnsembleValid()).isFalse();
    }

    private static CoordinatorProperties ensemble(String ensemble, int serverId) {
        return CoordinatorPropertiesBindingTest.bind(
                Map.of("coordinator.ensemble", ensemble, "coordinator.server-id", String.valueOf(serverId)));
    }

    @Test
    void zooCfgServerLinesAndMyidBecomeTheEnsemble() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("myid"), "2\n");
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(
                cfg,
                String.join(
                        "\n",
                        "tickTime=2000",
                        "initLimit=7",
                        "syncLimit=3",
                        "dataDir=" + data,
                        "clientPort=2182",
                        "server.1=127.0.0.1:2888:3888",
                        "server.2=127.0.0.1:2889:3889",
                        "server.3=127.0.0.1:2890:3890:observer",
                        ""));
        Map<String, Object> props = ZooCfgImport.parse(cfg);
        assertThat(props.get("coordinator.ensemble").toString())
                .isEqualTo("1=127.0.0.1:2888:3888,2=127.0.0.1:2889:3889,3=127.0.0.1:2890:3890:observer");
        assertThat(props.get("coordinator.server-id").toString()).isEqualTo("2");
        assertThat(props.get("coordinator.init-limit").toString()).isEqualTo("7");
        assertThat(props.get("coordinator.sync-limit").toString()).isEqualTo("3");
        Files.writeString(cfg, Files.readString(cfg) + "quorumListenOnAllIPs=true\n");
        assertThat(ZooCfgImport.parse(cfg)
                        .get("coordinator.quorum-listen-on-all-ips")
                        .toString())
                .isEqualTo("true");
    }

    @Test
    void zooCfgWithServersButNoMyidIsRefused() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "dataDir=" + data + "\nserver.1=127.0.0.1:2888:3888\n");
        assertThatThrownBy(() -> ZooCfgImport.parse(cfg)).hasMessageContaining("myid");
        Files.writeString(cfg, "dataDir=" + data + "\nserver.1=127.0.0.1:2888\n");
        assertThatThrownBy(() -> ZooCfgImport.parse(cfg)).hasMessageContaining("zoo.cfg:2");
    }

    @Test
    void zooCfgWithAnInvalidDataDirIsRefusedNamingTheFile() throws Exception {
        // Fuzz finding (ZooCfgFuzzTest): a NUL character in dataDir threw InvalidPathException instead of the
        // startup error naming the file.
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "dataDir=/data\u0000x\nserver.1=127.0.0.1:2888:3888\n");
        assertThatThrownBy(() -> ZooCfgImport.parse(cfg))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(cfg.toString())
                .hasMessageContaining("dataDir");
    }
}
