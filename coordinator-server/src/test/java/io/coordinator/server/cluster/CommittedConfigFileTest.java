package io.coordinator.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed config kept in the data dir: replaced whole, read back, its version parsed or refused by line. */
class CommittedConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void storedTextIsReadBackAndReplacedWhole() throws Exception {
        CommittedConfigFile file = new CommittedConfigFile(dir);
        assertThat(file.load()).isEmpty();
        String first = "server.1=127.0.0.1:1:2:participant;127.0.0.1:3\nversion=100000002";
        file.store(first);
        assertThat(file.load()).contains(first);
        assertThat(file.version(first)).isEqualTo(0x100000002L);
        String second = "server.2=127.0.0.1:4:5:participant\nversion=100000009";
        file.store(second);
        assertThat(file.load()).contains(second);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly(CommittedConfigFile.NAME);
    }

    @Test
    void aVersionThatIsNotHexIsRefusedNamingFileAndLine() {
        CommittedConfigFile file = new CommittedConfigFile(dir);
        assertThat(file.version("server.1=h:1:2")).isZero();
        assertThatThrownBy(() -> file.version("server.1=h:1:2\nversion=xyz"))
                .hasMessageContaining(CommittedConfigFile.NAME + " line 2")
                .hasMessageContaining("version=xyz");
    }

    @Test
    void serverLinesWriteTheCommittedMembersInZooKeepersForm() {
        ServerLines lines = new ServerLines();
        lines.learn("server.1=127.0.0.1:11:12:participant;127.0.0.1:13\nserver.2=127.0.0.1:21:22:observer\nversion=0");
        lines.learn("server.3=127.0.0.1:31:32:participant;0.0.0.0:33\nversion=100000004");
        var config = new io.coordinator.server.zab.ZabConfig(
                1,
                java.util.List.of(
                        new io.coordinator.server.zab.Peer(3, false), new io.coordinator.server.zab.Peer(1, false)),
                10,
                5,
                0x100000004L);
        assertThat(lines.text(config))
                .isEqualTo("server.1=127.0.0.1:11:12:participant;127.0.0.1:13\n"
                        + "server.3=127.0.0.1:31:32:participant;0.0.0.0:33\nversion=100000004");
        assertThat(lines.addresses(java.util.List.of(1, 2, 3), 2))
                .hasSize(3)
                .allSatisfy((id, a) -> assertThat(a.getPort()).isEqualTo(id * 10 + 2));
    }
}
