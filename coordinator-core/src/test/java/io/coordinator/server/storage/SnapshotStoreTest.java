package io.coordinator.server.storage;

import static io.coordinator.server.storage.StorageTestSupport.flipByte;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInput;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
    @TempDir
    Path dir;

    /** A toy state: a list of strings. */
    private static SnapshotContent content(List<String> items) {
        return out -> {
            out.writeInt(items.size());
            for (String s : items) {
                out.writeUTF(s);
            }
        };
    }

    private static final SnapshotLoader<List<String>> LOADER = (DataInput in) -> {
        int n = in.readInt();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(in.readUTF());
        }
        return out;
    };

    private Path file(long zxid) {
        return dir.resolve(SnapshotStore.fileName(zxid));
    }

    @Test
    void writeLoadRoundTrip() throws IOException {
        SnapshotStore store = new SnapshotStore(dir);
        assertThat(store.loadLatest(LOADER)).isEmpty();
        List<String> big = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            big.add("/node/" + i);
        }
        store.write(0x100000005L, content(big));
        assertThat(store.snapshotZxids()).containsExactly(0x100000005L);
        assertThat(file(0x100000005L).getFileName().toString()).isEqualTo("snapshot.0000000100000005");
        Optional<LoadedSnapshot<List<String>>> loaded = new SnapshotStore(dir).loadLatest(LOADER);
        assertThat(loaded).isPresent();
        assertThat(loaded.get().zxid()).isEqualTo(0x100000005L);
        assertThat(loaded.get().value()).isEqualTo(big);
        try (var s = Files.list(dir)) {
            assertThat(s.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void corruptNewestFallsBackToOlder() throws IOException {
        SnapshotStore store = new SnapshotStore(dir);
        store.write(100, content(List.of("a")));
        store.write(200, content(List.of("a", "b")));
        store.write(300, content(List.of("a", "b", "c")));
        flipByte(file(300), 20); // inside the body
        try (FileChannel ch = FileChannel.open(file(200), StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(file(200)) - 3); // incomplete: trailer cut
        }
        LoadedSnapshot<List<String>> loaded = store.loadLatest(LOADER).orElseThrow();
        assertThat(loaded.zxid()).isEqualTo(100);
        assertThat(loaded.value()).containsExactly("a");
    }

    @Test
    void headerZxidMustMatchName() throws IOException {
        SnapshotStore store = new SnapshotStore(dir);
        store.write(100, content(List.of("a")));
        store.write(200, content(List.of("b")));
        Files.delete(file(200));
        Files.copy(file(100), file(200)); // valid CRC but claims zxid 100
        assertThat(store.loadLatest(LOADER).orElseThrow().zxid()).isEqualTo(100);
    }

    @Test
    void loaderThatFailsOrLeavesBytesFallsBack() throws IOException {
        SnapshotStore store = new SnapshotStore(dir);
        store.write(1, out -> out.writeInt(1));
        store.write(2, out -> {
            out.writeInt(2);
            out.writeInt(99); // extra bytes the loader does not read
        });
        store.write(3, out -> out.writeInt(-1)); // loader rejects
        SnapshotLoader<Integer> loader = in -> {
            int v = in.readInt();
            if (v < 0) {
                throw new IOException("bad value");
            }
            return v;
        };
        assertThat(store.loadLatest(loader).orElseThrow().value()).isEqualTo(1);
    }

    @Test
    void retentionKeepsNewest() throws IOException {
        SnapshotStore store = new SnapshotStore(dir);
        assertThat(store.retain(2)).isEmpty();
        for (long z = 1; z <= 5; z++) {
            store.write(z * 10, content(List.of("s" + z)));
        }
        assertThat(store.retain(2)).isEqualTo(OptionalLong.of(40));
        assertThat(store.snapshotZxids()).containsExactly(40L, 50L);
        assertThat(store.retain(5)).isEqualTo(OptionalLong.of(40));
        assertThat(store.snapshotZxids()).containsExactly(40L, 50L);
        assertThatThrownBy(() -> store.retain(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failedWriteLeavesNothingAndStaleTempsAreRemoved() throws IOException {
        SnapshotStore store = new SnapshotStore(dir);
        store.write(1, content(List.of("ok")));
        assertThatThrownBy(() -> store.write(2, out -> {
                    out.writeInt(1);
                    throw new IOException("tree walk failed");
                }))
                .hasMessageContaining("tree walk failed");
        assertThat(store.snapshotZxids()).containsExactly(1L);
        Files.writeString(dir.resolve("snapshot.0000000000000003.7.tmp"), "partial");
        new SnapshotStore(dir);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("snapshot.0000000000000001");
        }
    }

    @Test
    void injectedFsyncFailureLeavesNoSnapshot() throws IOException {
        StorageFaults faults = new StorageFaults() {
            @Override
            public void beforeSync(Path f) throws IOException {
                throw new IOException("injected");
            }
        };
        SnapshotStore store = new SnapshotStore(dir, faults);
        assertThatThrownBy(() -> store.write(1, content(List.of("x")))).hasMessageContaining("injected");
        assertThat(store.snapshotZxids()).isEmpty();
    }
}
