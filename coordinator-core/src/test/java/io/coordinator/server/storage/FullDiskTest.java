package io.coordinator.server.storage;

import static io.coordinator.server.storage.StorageTestSupport.rec;
import static io.coordinator.server.storage.StorageTestSupport.zxids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A full disk (ENOSPC on a write or an fsync) and a read-only data directory, through the storage hook (no file
 * system can be mounted here): the error names the file and the cause, nothing the disk could not keep is
 * acknowledged, nothing acknowledged is lost, and once space returns a restart recovers every acknowledged write.
 */
class FullDiskTest {
    @TempDir
    Path dir;

    /** A disk that fills up, or turns read-only, when told. */
    static final class Disk implements StorageFaults {
        volatile String fault = "";

        @Override
        public void beforeWrite(Path file, long offset, int length) throws IOException {
            refuse(file, "write");
        }

        @Override
        public void beforeSync(Path file) throws IOException {
            refuse(file, "sync");
        }

        @Override
        public void beforeRename(Path from, Path to) throws IOException {
            refuse(from, "rename");
        }

        @Override
        public void beforeDelete(Path file) throws IOException {
            refuse(file, "delete");
        }

        private void refuse(Path file, String op) throws IOException {
            if (fault.equals("full " + op) || fault.equals("full")) {
                throw new IOException("No space left on device");
            }
            if (fault.equals("readonly")) {
                throw new java.nio.file.FileSystemException(file.toString(), null, "Read-only file system");
            }
        }
    }

    @ParameterizedTest(name = "ENOSPC on {0}")
    @ValueSource(strings = {"full write", "full sync"})
    void aFullDiskStopsTheLogNamingTheFileAcksNothingMoreAndLosesNothingAcked(String fault) throws Exception {
        Disk disk = new Disk();
        Path logDir = dir.resolve("log");
        TxnLog log = TxnLog.open(logDir, StorageTestSupport.SMALL.withFaults(disk));
        List<Long> acked = new CopyOnWriteArrayList<>();
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        GroupCommitLog group = new GroupCommitLog(log, failed::complete);
        for (long z = 1; z <= 20; z++) {
            long zxid = z;
            group.submit(rec(zxid, "x".repeat(200)), () -> acked.add(zxid));
        }
        group.flush();
        assertThat(acked).hasSize(20);

        disk.fault = fault;
        try {
            for (long z = 21; z <= 30; z++) {
                long zxid = z;
                group.submit(rec(zxid, "x".repeat(200)), () -> acked.add(zxid));
            }
        } catch (IllegalStateException refused) {
            // the log already failed: a refused write is not acknowledged either
        }
        Throwable cause = failed.get(10, TimeUnit.SECONDS);
        assertThat(cause.getMessage())
                .as("the error names the segment file and the cause")
                .contains(logDir.resolve(SegmentFormat.fileName(1)).toString())
                .contains("No space left on device");
        assertThat(acked).as("nothing acknowledged after the disk filled").hasSize(20);
        assertThatThrownBy(() -> group.submit(rec(31), () -> acked.add(31L)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed");
        group.close();

        // space returns; the server restarts: every acknowledged record is there, then at most unacknowledged ones
        disk.fault = "";
        try (TxnLog reopened = TxnLog.open(logDir, StorageTestSupport.SMALL)) {
            List<Long> kept = zxids(reopened, 0);
            assertThat(kept).startsWith(acked.toArray(Long[]::new));
            reopened.append(rec(100));
            reopened.sync();
            assertThat(zxids(reopened, 0)).endsWith(100L);
        }
    }

    @Test
    void aFullDiskFailsASnapshotNamingTheFileAndKeepsTheOlderOne() throws Exception {
        Disk disk = new Disk();
        SnapshotStore store = new SnapshotStore(dir, disk);
        store.write(5, out -> out.writeUTF("five"));
        for (String fault : List.of("full write", "full sync", "full rename")) {
            disk.fault = fault;
            assertThatThrownBy(() -> store.write(9, out -> out.writeUTF("nine")))
                    .as(fault)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("No space left on device")
                    .hasMessageContaining(dir.resolve(SnapshotStore.fileName(9)).toString());
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .as(fault + ": no temp file left to fill the disk further")
                        .containsExactly(SnapshotStore.fileName(5));
            }
            disk.fault = "";
            assertThat(new SnapshotStore(dir)
                            .loadLatest(in -> in.readUTF())
                            .orElseThrow()
                            .value())
                    .isEqualTo("five");
        }
        store.write(9, out -> out.writeUTF("nine"));
        assertThat(store.loadLatest(in -> in.readUTF()).orElseThrow().zxid()).isEqualTo(9);
    }

    @Test
    void aFullDiskFailsAnEpochStoreNamingTheFileAndKeepsTheDurableEpochs() throws Exception {
        Disk disk = new Disk();
        EpochStore store = new EpochStore(dir, disk);
        store.store(new EpochStore.Epochs(3, 3, 1));
        disk.fault = "full write";
        assertThatThrownBy(() -> store.store(new EpochStore.Epochs(4, 3, 2)))
                .hasMessageContaining("No space left on device")
                .hasMessageContaining(dir.resolve("epochs.tmp").toString());
        disk.fault = "";
        assertThat(new EpochStore(dir).load()).isEqualTo(new EpochStore.Epochs(3, 3, 1));
    }

    @Test
    void aReadOnlyDataDirectoryIsRefusedAtStartNamingTheFileAndTheCause() throws Exception {
        Disk disk = new Disk();
        disk.fault = "readonly";
        assertThatThrownBy(() -> DataDirectory.open(dir, disk))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Data directory " + dir.toAbsolutePath() + " cannot be written")
                .hasMessageContaining(dir.resolve(DataDirectory.LOCK_FILE).toString())
                .hasMessageContaining("Read-only file system");
        // the lock was released: once writable, the directory opens
        disk.fault = "";
        DataDirectory.open(dir, disk).close();
    }
}
