package io.coordinator.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochStoreTest {
    @TempDir
    Path dir;

    @Test
    void startsAtZeroAndKeepsWhatWasStored() throws Exception {
        EpochStore store = new EpochStore(dir);
        assertThat(store.load()).isEqualTo(new EpochStore.Epochs(0, 0, -1));
        store.store(new EpochStore.Epochs(3, 2, 1));
        store.store(new EpochStore.Epochs(4, 4, 2));
        assertThat(new EpochStore(dir).load()).isEqualTo(new EpochStore.Epochs(4, 4, 2));
        assertThat(Files.exists(dir.resolve("epochs.tmp"))).isFalse();
    }

    @Test
    void refusesCurrentAheadOfAccepted() {
        assertThatThrownBy(() -> new EpochStore(dir).store(new EpochStore.Epochs(1, 2, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDamagedFileIsAnErrorNotAReset() throws Exception {
        EpochStore store = new EpochStore(dir);
        store.store(new EpochStore.Epochs(7, 7, 3));
        byte[] bytes = Files.readAllBytes(dir.resolve("epochs"));
        bytes[10] ^= 1;
        Files.write(dir.resolve("epochs"), bytes);
        assertThatThrownBy(store::load)
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining("checksum");
        Files.write(dir.resolve("epochs"), new byte[3]);
        assertThatThrownBy(store::load).isInstanceOf(CorruptStorageException.class);
    }
}
