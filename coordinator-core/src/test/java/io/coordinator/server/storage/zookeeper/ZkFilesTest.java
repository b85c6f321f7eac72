package io.coordinator.server.storage.zookeeper;

import static io.coordinator.server.storage.zookeeper.ZkBytes.entry;
import static io.coordinator.server.storage.zookeeper.ZkBytes.log;
import static io.coordinator.server.storage.zookeeper.ZkBytes.setData;
import static io.coordinator.server.storage.zookeeper.ZkBytes.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.storage.CorruptStorageException;
import io.coordinator.server.tree.DataNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ZooKeeper data reader on crafted files: the rules, and every refusal naming the file (and offset). */
class ZkFilesTest {
    @TempDir
    Path dir;

    private Path put(String name, byte[] bytes) throws Exception {
        Path v2 = Files.createDirectories(dir.resolve(ZkDataDir.VERSION_DIR));
        return Files.write(v2.resolve(name), bytes);
    }

    private ZkDataDir.State load() throws Exception {
        return ZkDataDir.load(dir, dir).orElseThrow();
    }

    /** Loading is refused with a CorruptStorageException that names {@code file} and says each of {@code says}. */
    private void assertRefused(Path file, String... says) {
        var refusal = assertThatThrownBy(this::load)
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining(file.toString());
        for (String part : says) {
            refusal.hasMessageContaining(part);
        }
    }

    private static String data(DataNode n) {
        return new String(n.data(), StandardCharsets.UTF_8);
    }

    @Test
    void replaysTheLogsAfterTheSnapshotOverIt() throws Exception {
        put("snapshot.5", snapshot(5));
        put("log.1", new byte[] {1, 2, 3}); // older than the log that starts at or before the snapshot: not read
        put("log.3", log(0, setData(3, "/a", "old", 1), setData(4, "/a", "old", 1), setData(5, "/a", "A", 1)));
        put("log.6", log(100, setData(6, "/a", "B", 1), setData(7, "/a", "C", 2), setData(8, "/a", "D", 3)));
        ZkDataDir.State s = load();
        assertThat(s.lastZxid()).isEqualTo(8);
        assertThat(s.replayed()).isEqualTo(3);
        assertThat(s.logs()).containsExactly(dir.resolve("version-2/log.3"), dir.resolve("version-2/log.6"));
        assertThat(s.sessions()).isEqualTo(Map.of(0x100L, 30000));
        DataNode a = s.tree().getNode("/a");
        assertThat(data(a)).isEqualTo("D");
        assertThat(a.version()).isEqualTo(3);
        assertThat(a.mzxid()).isEqualTo(8);
        assertThat(a.czxid()).isEqualTo(5);
        assertThat(a.acl()).containsExactly(new Acl(31, new Id("digest", "alice:x")));
        assertThat(s.tree().getNode("/").acl()).isEqualTo(Acl.OPEN_ACL_UNSAFE);
        assertThat(s.tree().lastProcessedZxid()).isEqualTo(8);
    }

    @Test
    void aDamagedRecordFollowedByOthersIsARefusalNamingFileAndOffset() throws Exception {
        put("snapshot.5", snapshot(5));
        byte[] bytes = log(100, setData(6, "/a", "B", 1), setData(7, "/a", "C", 2));
        bytes[16 + 12 + 30] ^= 1; // in the first record's entry
        Path log = put("log.6", bytes);
        assertRefused(log, "offset 16", "checksum does not match");
    }

    @Test
    void aTornLastRecordEndsTheLog() throws Exception {
        put("snapshot.5", snapshot(5));
        byte[] first = setData(6, "/a", "B", 1);
        byte[] bytes = log(100, first, setData(7, "/a", "C", 2));
        int second = 16 + 12 + first.length + 1;
        for (int i = second + 20; i < bytes.length; i++) {
            bytes[i] = 0;
        }
        put("log.6", bytes);
        ZkDataDir.State s = load();
        assertThat(s.lastZxid()).isEqualTo(6);
        assertThat(data(s.tree().getNode("/a"))).isEqualTo("B");
    }

    @Test
    void aTornRecordHeaderAtTheVeryEndOfAnUnpaddedLogEndsIt() throws Exception {
        put("snapshot.5", snapshot(5));
        byte[] whole = log(0, setData(6, "/a", "B", 1), setData(7, "/a", "C", 2));
        int cut = whole.length - setData(7, "/a", "C", 2).length - 13 + 7; // 7 bytes of the second record's header
        put("log.6", java.util.Arrays.copyOf(whole, cut));
        assertThat(load().lastZxid()).isEqualTo(6);
    }

    @Test
    void missingTxnsBetweenTheSnapshotAndTheLogsAreARefusal() throws Exception {
        put("snapshot.5", snapshot(5));
        Path log = put("log.7", log(0, setData(7, "/a", "C", 2)));
        assertRefused(log, "txns 0x6 to 0x6 are missing");
    }

    @Test
    void zxidsThatDoNotIncreaseAreARefusal() throws Exception {
        put("snapshot.5", snapshot(5));
        byte[] first = setData(6, "/a", "B", 1);
        Path log = put("log.6", log(0, first, setData(6, "/a", "C", 2)));
        assertRefused(log, "offset " + (16 + 12 + first.length + 1), "not after the one before it");
    }

    @Test
    void aTxnTypeZooKeeperNeverLogsIsARefusalNamingFileAndOffset() throws Exception {
        put("snapshot.5", snapshot(5));
        Path log = put("log.6", log(0, entry(6, 99, new byte[4])));
        assertRefused(log, "offset 16", "txn type 99");
    }

    @Test
    void bytesAfterTheEndOfALogAreARefusal() throws Exception {
        put("snapshot.5", snapshot(5));
        byte[] bytes = log(64, setData(6, "/a", "B", 1));
        bytes[bytes.length - 3] = 7;
        Path log = put("log.6", bytes);
        assertRefused(log, "unexpected bytes at offset");
    }

    @Test
    void aDamagedNewestSnapshotGivesWayToAnOlderOne() throws Exception {
        put("snapshot.3", snapshot(3));
        byte[] newest = snapshot(5);
        newest[30] ^= 1; // the session's timeout: only the seal notices
        put("snapshot.5", newest);
        put("log.4", log(0, setData(4, "/a", "x", 1), setData(5, "/a", "y", 2), setData(6, "/a", "z", 3)));
        ZkDataDir.State s = load();
        assertThat(s.snapshot().getFileName().toString()).isEqualTo("snapshot.3");
        assertThat(s.replayed()).isEqualTo(3);
        assertThat(data(s.tree().getNode("/a"))).isEqualTo("z");
    }

    @Test
    void aDamagedOnlySnapshotIsARefusalNamingIt() throws Exception {
        byte[] only = snapshot(5);
        only[30] ^= 1;
        Path snap = put("snapshot.5", only);
        assertRefused(snap, "checksum mismatch");
    }

    @Test
    void aNodeWhoseAclIsNotInTheTableIsARefusal() throws Exception {
        ZkBytes.Out o = new ZkBytes.Out();
        o.i(ZkSnapshotFile.MAGIC).i(2).l(0).i(0).i(0);
        ZkBytes.stat(o.s("").buf(null).l(7), 0, 0, 0, 0);
        Path snap = put("snapshot.0", o.s("/").seal().toBytes());
        assertRefused(snap, "refers to ACL 7");
    }

    @Test
    void logsWithoutASnapshotAreARefusal() throws Exception {
        put("log.1", log(0, setData(1, "/a", "B", 1)));
        assertThatThrownBy(this::load)
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining("no snapshot");
    }

    @Test
    void multiOpsDecodeAsZooKeeperAppliesThem() {
        // A multi of create (ephemeral), createContainer, createTTL, deleteContainer, check, as MultiTxn holds them.
        ZkBytes.Out create = new ZkBytes.Out()
                .s("/e")
                .s("d")
                .i(1)
                .i(31)
                .s("world")
                .s("anyone")
                .b(1)
                .i(-1);
        ZkBytes.Out container = new ZkBytes.Out().s("/c").buf(null).i(0).i(-1);
        ZkBytes.Out ttl = new ZkBytes.Out().s("/t").buf(null).i(0).i(-1).l(5000);
        ZkBytes.Out delete = new ZkBytes.Out().s("/old");
        ZkBytes.Out check = new ZkBytes.Out().s("/e").i(0);
        ZkBytes.Out multi = new ZkBytes.Out().i(5);
        multi.i(1).buf(create.toBytes()).i(19).buf(container.toBytes()).i(21).buf(ttl.toBytes());
        multi.i(20).buf(delete.toBytes()).i(13).buf(check.toBytes());
        byte[] digest = new ZkBytes.Out().i(2).l(99).toBytes();
        byte[] body = multi.toBytes();
        byte[] withDigest = new byte[body.length + digest.length];
        System.arraycopy(body, 0, withDigest, 0, body.length);
        System.arraycopy(digest, 0, withDigest, body.length, digest.length);
        TxnRecord r = ZkTxns.decode(entry(9, 14, withDigest));
        assertThat(r.zxid()).isEqualTo(9);
        List<Txn> ops = ((Txn.Multi) r.txn()).txns();
        assertThat(ops.get(0))
                .usingRecursiveComparison()
                .isEqualTo(new Txn.Create("/e", "d".getBytes(StandardCharsets.UTF_8), Acl.OPEN_ACL_UNSAFE, 0x100L, -1));
        assertThat(((Txn.Create) ops.get(0)).ephemeralOwner()).isEqualTo(0x100L);
        assertThat(((Txn.Create) ops.get(1)).ephemeralOwner()).isEqualTo(Txn.CONTAINER_OWNER);
        assertThat(((Txn.Create) ops.get(2)).ephemeralOwner()).isEqualTo(Txn.TTL_OWNER_BITS | 5000);
        assertThat(ops.get(3)).isEqualTo(new Txn.Delete("/old"));
        assertThat(ops.get(4)).isEqualTo(new Txn.Check("/e", 0));
    }

    @Test
    void closeSessionDecodesWithOrWithoutItsPathsAndDigest() {
        assertThat(ZkTxns.decode(entry(9, -11, new byte[0])).txn()).isEqualTo(new Txn.CloseSession(0x100L));
        byte[] paths = new ZkBytes.Out().i(1).s("/e").i(2).l(5).toBytes();
        assertThat(ZkTxns.decode(entry(9, -11, paths)).txn()).isEqualTo(new Txn.CloseSession(0x100L));
        byte[] digestOnly = new ZkBytes.Out().i(2).l(5).toBytes();
        assertThat(ZkTxns.decode(entry(9, -11, digestOnly)).txn()).isEqualTo(new Txn.CloseSession(0x100L));
    }

    @Test
    void theFuzzSeedsAreDataZooKeeperCouldHaveWritten() throws Exception {
        Path seeds =
                Path.of(getClass().getResource("ZkDataDirFuzzTestInputs/load").toURI());
        byte[] log = Files.readAllBytes(seeds.resolve("log-after-snapshot"));
        byte[] snap = Files.readAllBytes(seeds.resolve("snapshot-before-log"));
        put("snapshot.5", java.util.Arrays.copyOfRange(snap, 1, snap.length));
        put("log.6", java.util.Arrays.copyOfRange(log, 1, log.length));
        ZkDataDir.State s = load();
        assertThat(s.lastZxid()).isEqualTo(12);
        assertThat(s.replayed()).isEqualTo(7);
        assertThat(s.tree().getNode("/a").acl()).containsExactly(new Acl(31, new Id("ip", "127.0.0.1")));
        assertThat(s.tree().getNode("/c").isContainer()).isTrue();
        assertThat(s.tree().getNode("/e")).isNull(); // its session closed
        assertThat(s.tree().getNode("/t")).isNull();
        assertThat(s.sessions()).isEqualTo(Map.of());
    }
}
