package io.coordinator.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlFileStorageFaultsTest {
    @TempDir
    Path dir;

    @Test
    void injectsNothingWithoutAControlFile() {
        StorageFaults faults = new ControlFileStorageFaults(dir.resolve("faults"), 0);
        assertThatCode(() -> faults.beforeSync(dir)).doesNotThrowAnyException();
    }

    @Test
    void failsEveryFsyncWhileTheFileSaysFailAndStopsWhenItIsCleared() throws IOException {
        Path control = dir.resolve("faults");
        StorageFaults faults = new ControlFileStorageFaults(control, 0);
        Files.writeString(control, "fail\n");
        assertThatThrownBy(() -> faults.beforeSync(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("injected");
        Files.writeString(control, "");
        assertThatCode(() -> faults.beforeSync(dir)).doesNotThrowAnyException();
    }

    @Test
    void aFailingFsyncFailsTheLogsSync() throws Exception {
        Path control = dir.resolve("faults");
        try (TxnLog log = TxnLog.open(
                dir.resolve("log"), LogOptions.defaults().withFaults(new ControlFileStorageFaults(control, 0)))) {
            log.append(StorageTestSupport.rec(1));
            Files.writeString(control, "fail");
            assertThatThrownBy(log::sync).isInstanceOf(IOException.class);
        }
    }

    @Test
    void slowAndUnknownCommandsDoNotFail() throws IOException {
        Path control = dir.resolve("faults");
        StorageFaults faults = new ControlFileStorageFaults(control, 0);
        Files.writeString(control, "slow 1");
        assertThatCode(() -> faults.beforeSync(dir)).doesNotThrowAnyException();
        Files.writeString(control, "slow soon");
        assertThatCode(() -> faults.beforeSync(dir)).doesNotThrowAnyException();
    }

    @Test
    void slowSnapshotSinglesOutOnlyTheFsyncOfASnapshotBeingWritten() throws IOException {
        List<Path> synced = new ArrayList<>();
        StorageFaults recording = new StorageFaults() {
            @Override
            public void beforeSync(Path file) {
                synced.add(file);
            }
        };
        SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), recording);
        store.write(0x100000005L, out -> out.write(new byte[] {1, 2, 3}));
        try (TxnLog log = TxnLog.open(dir.resolve("log"), LogOptions.defaults().withFaults(recording))) {
            log.append(StorageTestSupport.rec(1));
            log.sync();
        }

        // the snapshot's temporary file, and nothing else (not the final snapshot, its directory, or the log)
        assertThat(synced)
                .filteredOn(ControlFileStorageFaults::isSnapshotInProgress)
                .hasSize(1);
        assertThat(synced.stream()
                        .filter(ControlFileStorageFaults::isSnapshotInProgress)
                        .findFirst()
                        .orElseThrow()
                        .getParent())
                .isEqualTo(dir.resolve("snapshots"));
        assertThat(synced)
                .filteredOn(f -> !ControlFileStorageFaults.isSnapshotInProgress(f))
                .isNotEmpty();
    }
}
