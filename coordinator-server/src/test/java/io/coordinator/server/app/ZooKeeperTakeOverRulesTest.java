package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.storage.DataDirectory;
import io.coordinator.server.storage.EpochStore;
import io.coordinator.server.storage.LogOptions;
import io.coordinator.server.storage.SnapshotStore;
import io.coordinator.server.storage.TxnLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.persistence.FileSnap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the take-over happens, and when it does not. */
class ZooKeeperTakeOverRulesTest {
    @TempDir
    Path dir;

    /** An empty ZooKeeper data dir as ZooKeeper 3.9.5 leaves it after its first start: snapshot.0. */
    private void zooKeeperSnapshot(Path dataDir) throws Exception {
        Path v2 = Files.createDirectories(dataDir.resolve("version-2"));
        new FileSnap(v2.toFile())
                .serialize(
                        new DataTree(),
                        new HashMap<>(),
                        v2.resolve("snapshot.0").toFile(),
                        false);
    }

    private interface Body {
        void run(SnapshotStore snapshots, TxnLog log) throws Exception;
    }

    private void withStorage(Body body) throws Exception {
        try (DataDirectory data = DataDirectory.open(dir);
                TxnLog log = data.openLog(LogOptions.defaults())) {
            body.run(data.openSnapshots(null), log);
        }
    }

    @Test
    void takesOverOnceIntoAHigherEpochAndNotWithoutZooKeeperData() throws Exception {
        withStorage((snapshots, log) -> {
            assertThat(ZooKeeperTakeOver.run(dir, null, null, snapshots, log)).isEmpty();
            assertThat(snapshots.snapshotZxids()).isEmpty();
        });
        zooKeeperSnapshot(dir);
        withStorage((snapshots, log) -> {
            assertThat(ZooKeeperTakeOver.run(dir, null, null, snapshots, log)).contains(0x100000000L);
            assertThat(snapshots.snapshotZxids()).containsExactly(0x100000000L);
        });
        withStorage((snapshots, log) -> {
            assertThat(ZooKeeperTakeOver.run(dir, null, null, snapshots, log)).isEmpty(); // its own state now
        });
    }

    @Test
    void findsTheLogsInDataLogDir() throws Exception {
        zooKeeperSnapshot(dir);
        Path logDir = Files.createDirectories(dir.resolve("zk-log/version-2"));
        Files.write(logDir.resolve("log.1"), new byte[] {1, 2, 3}); // damaged: proves it is read
        withStorage((snapshots, log) -> assertThatThrownBy(
                        () -> ZooKeeperTakeOver.run(dir, dir.resolve("zk-log"), null, snapshots, log))
                .hasMessageContaining(logDir.resolve("log.1").toString()));
    }

    /** A ZooKeeper ensemble member's data dir: a snapshot at zxid with one znode, and the epoch files. */
    private void zooKeeperMember(Path dataDir, long zxid, String accepted, String current) throws Exception {
        Path v2 = Files.createDirectories(dataDir.resolve("version-2"));
        DataTree tree = new DataTree();
        tree.createNode("/a", new byte[] {1}, ZooDefs.Ids.OPEN_ACL_UNSAFE, 0, 0, zxid, 1L);
        tree.lastProcessedZxid = zxid;
        new FileSnap(v2.toFile())
                .serialize(
                        tree,
                        new HashMap<>(),
                        v2.resolve("snapshot." + Long.toHexString(zxid)).toFile(),
                        false);
        Files.writeString(v2.resolve("acceptedEpoch"), accepted);
        Files.writeString(v2.resolve("currentEpoch"), current);
    }

    @Test
    void anEnsembleMemberKeepsZooKeepersZxidAndEpochsOnce() throws Exception {
        zooKeeperMember(dir, 0x300000005L, "4", "3");
        EpochStore epochs = new EpochStore(dir);
        withStorage((snapshots, log) -> {
            assertThat(ZooKeeperTakeOver.run(dir, null, epochs, snapshots, log)).contains(0x300000005L);
            assertThat(snapshots.snapshotZxids()).containsExactly(0x300000005L);
        });
        assertThat(epochs.load()).isEqualTo(new EpochStore.Epochs(4, 3, -1));
        withStorage((snapshots, log) -> {
            assertThat(ZooKeeperTakeOver.run(dir, null, epochs, snapshots, log)).isEmpty(); // its own state now
        });
    }

    @Test
    void anEnsembleMembersEpochsNeverGoBack() throws Exception {
        zooKeeperMember(dir, 0x300000005L, "3", "3");
        EpochStore epochs = new EpochStore(dir);
        epochs.store(new EpochStore.Epochs(7, 6, 2)); // e.g. it joined epochs of its own before any txn
        withStorage((snapshots, log) -> ZooKeeperTakeOver.run(dir, null, epochs, snapshots, log));
        assertThat(epochs.load()).isEqualTo(new EpochStore.Epochs(7, 6, 2));
    }

    @Test
    void aDamagedEpochFileIsRefusedNamingIt() throws Exception {
        zooKeeperMember(dir, 0x300000005L, "4x", "3");
        withStorage((snapshots, log) -> assertThatThrownBy(
                        () -> ZooKeeperTakeOver.run(dir, null, new EpochStore(dir), snapshots, log))
                .hasMessageContaining(dir.resolve("version-2/acceptedEpoch").toString())
                .hasMessageContaining("4x"));
        withStorage((snapshots, log) -> assertThat(snapshots.snapshotZxids()).isEmpty());
    }
}
