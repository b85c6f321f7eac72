package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an online restore moves aside, and back when the restore cannot be written. */
class RestoreStateAsideTest {
    @TempDir
    Path dir;

    private void aServersState() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("log")).resolve("log.1"), "txns");
        Files.writeString(Files.createDirectories(dir.resolve("snapshot")).resolve("snapshot.1"), "tree");
        Files.writeString(dir.resolve("epochs"), "epochs");
        Files.writeString(dir.resolve("lock"), "");
        Files.writeString(dir.resolve("myid"), "1");
        Files.writeString(dir.resolve("session.secret"), "secret");
    }

    @Test
    void theStateMovesAsideWholeAndBackWhole() throws Exception {
        aServersState();

        Path aside = RestoreBackup.moveStateAside(dir, "20261207-230000-000");
        assertThat(aside).isEqualTo(dir.resolve("before-restore-20261207-230000-000"));
        assertThat(aside.resolve("log/log.1")).hasContent("txns");
        assertThat(aside.resolve("snapshot/snapshot.1")).hasContent("tree");
        assertThat(aside.resolve("epochs")).hasContent("epochs");
        assertThat(dir.resolve("log")).doesNotExist();
        assertThat(dir.resolve("snapshot")).doesNotExist();
        // what is not state stays: the lock, the member's id and the secret its sessions' passwords come from
        assertThat(dir.resolve("lock")).exists();
        assertThat(dir.resolve("myid")).hasContent("1");
        assertThat(dir.resolve("session.secret")).hasContent("secret");

        // a restore that wrote part of its state and then failed: what it wrote is dropped, the old state is back
        Files.writeString(Files.createDirectories(dir.resolve("snapshot")).resolve("snapshot.9"), "half");
        RestoreBackup.moveStateBack(aside, dir);
        assertThat(dir.resolve("log/log.1")).hasContent("txns");
        assertThat(dir.resolve("snapshot/snapshot.1")).hasContent("tree");
        assertThat(dir.resolve("snapshot/snapshot.9")).doesNotExist();
        assertThat(dir.resolve("epochs")).hasContent("epochs");
        assertThat(aside).doesNotExist();
    }

    @Test
    void whenTheFolderCannotBeMadeNothingMoves() throws Exception {
        aServersState();
        Files.createDirectory(dir.resolve("before-restore-x"));

        assertThatThrownBy(() -> RestoreBackup.moveStateAside(dir, "x")).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(dir.resolve("log/log.1")).hasContent("txns");
        assertThat(dir.resolve("snapshot/snapshot.1")).hasContent("tree");
        assertThat(dir.resolve("epochs")).hasContent("epochs");
    }
}
