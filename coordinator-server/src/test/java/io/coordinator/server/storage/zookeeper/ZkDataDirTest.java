package io.coordinator.server.storage.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.storage.CorruptStorageException;
import io.coordinator.server.tree.DataNode;
import io.coordinator.server.tree.DataTree;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileSnap;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.apache.zookeeper.server.persistence.SnapStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader of ZooKeeper's data directory against ZooKeeper 3.9.5's own recovery (FileTxnSnapLog.restore) on
 * files a real server wrote, and on damaged copies of them.
 */
class ZkDataDirTest {
    @TempDir
    static Path written;

    @TempDir
    Path dir;

    @BeforeAll
    static void zooKeeperWritesADataDirectory() throws Exception {
        Path cfg = ZooKeeperFixture.zooCfg(written);
        int port = ZooKeeperFixture.clientPort(cfg);
        try (AutoCloseable zk = ZooKeeperFixture.start(cfg)) {
            ZooKeeper writer = ZooKeeperFixture.connect(port, 10_000);
            ZooKeeperFixture.writeFirstPart(writer);
            writer.close();
        }
        // No snapshot during the second part: a fuzzy one taken near its end could cover every txn of it (seen
        // when two test JVMs share the cores), and the tests need txns in the log after the newest snapshot.
        try (AutoCloseable zk = ZooKeeperFixture.start(cfg, 1_000_000)) {
            ZooKeeper writer = ZooKeeperFixture.connect(port, 10_000);
            ZooKeeper owner = ZooKeeperFixture.connect(port, 4_000);
            ZooKeeperFixture.writeSecondPart(writer, owner);
            writer.close();
        }
    }

    /** A private copy of what ZooKeeper wrote, to damage. */
    private void copy() throws Exception {
        for (String sub : List.of("zk-data/version-2", "zk-log/version-2")) {
            Path from = written.resolve(sub);
            Path to = dir.resolve(sub);
            Files.createDirectories(to);
            try (Stream<Path> files = Files.list(from)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private ZkDataDir.State load() throws Exception {
        return ZkDataDir.load(dir.resolve("zk-data"), dir.resolve("zk-log")).orElseThrow();
    }

    @Test
    void rebuildsWhatZooKeepersOwnRecoveryRebuildsNodeForNode() throws Exception {
        copy();
        ZkDataDir.State state = load();
        ZooKeeperRecovery zk = recoverWithZooKeeper();
        assertThat(state.lastZxid()).isEqualTo(zk.lastZxid());
        assertThat(state.sessions()).isEqualTo(zk.sessions()).hasSize(1);
        assertThat(state.replayed()).isPositive();
        assertThat(describe(state.tree())).isEqualTo(describe(zk.tree())).containsKey("/app/eph");
        assertThat(describe(state.tree()).get("/app/config"))
                .contains("digest:alice:")
                .contains(HexFormat.of().formatHex("secret config".getBytes()));
    }

    @Test
    void readsGzipSnapshotsAndSnapshotsWithoutDigestOrLastZxidAsZooKeeperWritesThem() throws Exception {
        copy();
        ZkDataDir.State state = load();
        ZooKeeperRecovery zk = recoverWithZooKeeper();
        org.apache.zookeeper.server.DataTree zkTree = zk.tree();
        Map<Long, Integer> zkSessions = zk.sessions();
        Path out = Files.createDirectories(dir.resolve("written"));
        FileSnap snap = new FileSnap(out.toFile());
        try {
            SnapStream.setStreamMode(SnapStream.StreamMode.GZIP);
            snap.serialize(zkTree, zkSessions, out.resolve("snapshot.1.gz").toFile(), false);
            SnapStream.setStreamMode(SnapStream.StreamMode.CHECKED);
            ZooKeeperServer.setDigestEnabled(false);
            ZooKeeperServer.setSerializeLastProcessedZxidEnabled(false);
            snap.serialize(zkTree, zkSessions, out.resolve("snapshot.2").toFile(), false);
            ZooKeeperServer.setSerializeLastProcessedZxidEnabled(true);
            snap.serialize(zkTree, zkSessions, out.resolve("snapshot.3").toFile(), false);
            SnapStream.setStreamMode(SnapStream.StreamMode.SNAPPY);
            snap.serialize(zkTree, zkSessions, out.resolve("snapshot.4.snappy").toFile(), false);
        } finally {
            SnapStream.setStreamMode(SnapStream.StreamMode.CHECKED);
            ZooKeeperServer.setDigestEnabled(true);
            ZooKeeperServer.setSerializeLastProcessedZxidEnabled(true);
        }
        Map<String, String> expected = describe(state.tree());
        for (String name : List.of("snapshot.1.gz", "snapshot.2", "snapshot.3")) {
            ZkSnapshotFile.Content c = ZkSnapshotFile.read(out.resolve(name), 7);
            assertThat(describe(c.tree())).as(name).isEqualTo(expected);
            assertThat(c.sessions()).as(name).isEqualTo(zkSessions);
        }
        assertThatThrownBy(() -> ZkSnapshotFile.read(out.resolve("snapshot.4.snappy"), 4))
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining("snapshot.4.snappy")
                .hasMessageContaining("snappy-compressed ZooKeeper snapshots")
                .hasMessageContaining("not supported");
        // Newest in the data dir: refused by name, not skipped for an older snapshot as damage would be.
        Path snappy = dir.resolve("zk-data/version-2/snapshot.ffffff.snappy");
        Files.copy(out.resolve("snapshot.4.snappy"), snappy);
        assertThatThrownBy(this::load)
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining(snappy.toString())
                .hasMessageContaining("not supported");
    }

    @Test
    void aDamagedRecordWithMoreAfterItIsARefusalNamingTheFileAndOffset() throws Exception {
        copy();
        Path log = null;
        long offset = -1;
        for (Path candidate : load().logs()) {
            List<Long> offsets = offsets(candidate);
            if (offsets.size() >= 2) {
                log = candidate;
                offset = offsets.get(0);
                break;
            }
        }
        assertThat(log).as("a log with two records").isNotNull();
        byte[] bytes = Files.readAllBytes(log);
        bytes[(int) offset + 12 + 10] ^= 0x01; // inside the first record's entry: its checksum no longer matches
        Files.write(log, bytes);
        assertThatThrownBy(this::load)
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining(log.toString())
                .hasMessageContaining("offset " + offset)
                .hasMessageContaining("checksum does not match");
    }

    @Test
    void aTornLastRecordOfTheLastLogEndsTheLog() throws Exception {
        copy();
        ZkDataDir.State whole = load();
        List<Long> zxids = new ArrayList<>();
        long torn = -1;
        for (Path log : whole.logs()) {
            List<Long> offsets = new ArrayList<>();
            ZkLogFile.read(log, (r, at) -> {
                zxids.add(r.zxid());
                offsets.add(at);
            });
            torn = offsets.isEmpty() ? torn : offsets.get(offsets.size() - 1);
        }
        assertThat(zxids).hasSizeGreaterThan(1);
        Path last = whole.logs().get(whole.logs().size() - 1);
        byte[] bytes = Files.readAllBytes(last);
        for (int i = (int) torn + 20; i < bytes.length; i++) {
            bytes[i] = 0; // the record's second half never reached the disk
        }
        Files.write(last, bytes);
        ZkDataDir.State cut = load();
        long before = zxids.get(zxids.size() - 2);
        assertThat(cut.lastZxid()).isEqualTo(Math.max(before, zxidOf(cut.snapshot())));
        assertThat(cut.lastZxid()).isLessThan(whole.lastZxid());
    }

    @Test
    void aDamagedNewestSnapshotGivesWayToAnOlderOneAndTheLogsReplayTheRest() throws Exception {
        copy();
        ZkDataDir.State whole = load();
        Path newest = whole.snapshot();
        damageSeal(newest);
        ZkDataDir.State older = load();
        assertThat(older.snapshot()).isNotEqualTo(newest);
        assertThat(older.lastZxid()).isEqualTo(whole.lastZxid());
        assertThat(older.replayed()).isGreaterThan(whole.replayed());
        assertThat(describe(older.tree())).isEqualTo(describe(whole.tree()));
    }

    @Test
    void aDamagedSnapshotWithNoOlderOneIsARefusalNamingTheFile() throws Exception {
        copy();
        Path newest = load().snapshot();
        try (Stream<Path> files = Files.list(newest.getParent())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!p.equals(newest)) {
                    Files.delete(p);
                }
            }
        }
        damageSeal(newest);
        assertThatThrownBy(this::load)
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining("No valid ZooKeeper snapshot")
                .hasMessageContaining(newest.toString())
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void logsWithoutAnySnapshotAreARefusal() throws Exception {
        copy();
        try (Stream<Path> files = Files.list(dir.resolve("zk-data/version-2"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        assertThatThrownBy(this::load)
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining("no snapshot")
                .hasMessageContaining(dir.resolve("zk-log/version-2").toString());
    }

    @Test
    void nothingToTakeOverIsEmpty() throws Exception {
        assertThat(ZkDataDir.load(dir, dir)).isEmpty();
        assertThat(ZkDataDir.hasData(dir)).isFalse();
    }

    /** ZooKeeper's own recovery of the copy; returns the last zxid. */
    /** What ZooKeeper's own recovery rebuilds from the copied data directory. */
    private record ZooKeeperRecovery(
            org.apache.zookeeper.server.DataTree tree, Map<Long, Integer> sessions, long lastZxid) {}

    private ZooKeeperRecovery recoverWithZooKeeper() throws Exception {
        org.apache.zookeeper.server.DataTree tree = new org.apache.zookeeper.server.DataTree();
        Map<Long, Integer> sessions = new HashMap<>();
        FileTxnSnapLog zkFiles = new FileTxnSnapLog(
                dir.resolve("zk-log").toFile(), dir.resolve("zk-data").toFile());
        try {
            return new ZooKeeperRecovery(tree, sessions, zkFiles.restore(tree, sessions, (hdr, rec, digest) -> {}));
        } finally {
            zkFiles.close();
        }
    }

    private static void damageSeal(Path snapshot) throws Exception {
        byte[] bytes = Files.readAllBytes(snapshot);
        // The first seal sits before the digest (33 bytes) and last-zxid (21 bytes) sections; hit its checksum.
        bytes[bytes.length - 33 - 21 - 13 + 4] ^= 0x5a;
        Files.write(snapshot, bytes);
    }

    private static long zxidOf(Path snapshot) {
        return Long.parseLong(snapshot.getFileName().toString().split("\\.")[1], 16);
    }

    private static List<Long> offsets(Path log) throws Exception {
        List<Long> out = new ArrayList<>();
        ZkLogFile.read(log, (r, at) -> out.add(at));
        return out;
    }

    /** path -> data, Stat (as clients see it) and ACL, for our tree. */
    private static Map<String, String> describe(DataTree tree) throws Exception {
        return describe(
                path -> {
                    DataNode n = tree.getNode(path);
                    StringBuilder acl = new StringBuilder();
                    for (Acl a : n.acl()) {
                        acl.append(acl(a.perms(), a.id().scheme(), a.id().id()));
                    }
                    return line(n.data(), n.stat(), acl);
                },
                path -> tree.getNode(path).childNames());
    }

    /** The same for ZooKeeper's tree, its Stat read back from the bytes a client would get. */
    private static Map<String, String> describe(org.apache.zookeeper.server.DataTree tree) throws Exception {
        return describe(
                path -> {
                    Stat s = new Stat();
                    byte[] data = tree.getData(path, s, null);
                    StringBuilder acl = new StringBuilder();
                    for (ACL a : tree.getACL(path, new Stat())) {
                        acl.append(acl(
                                a.getPerms(), a.getId().getScheme(), a.getId().getId()));
                    }
                    ByteArrayOutputStream wire = new ByteArrayOutputStream();
                    s.serialize(BinaryOutputArchive.getArchive(wire), "stat");
                    return line(
                            data, io.coordinator.server.protocol.Stat.read(new JuteReader(wire.toByteArray())), acl);
                },
                path -> tree.getChildren(path, null, null));
    }

    /** What {@link #describe} reads of one tree, by path. */
    private interface Lookup<T> {
        T at(String path) throws Exception;
    }

    /** path -> {@code line} of every node reached from the root through {@code children}. */
    private static Map<String, String> describe(Lookup<String> line, Lookup<? extends Collection<String>> children)
            throws Exception {
        Map<String, String> out = new TreeMap<>();
        List<String> todo = new ArrayList<>(List.of("/"));
        while (!todo.isEmpty()) {
            String path = todo.remove(todo.size() - 1);
            out.put(path, line.at(path));
            for (String c : children.at(path)) {
                todo.add(path.equals("/") ? "/" + c : path + "/" + c);
            }
        }
        return out;
    }

    private static String acl(int perms, String scheme, String id) {
        return perms + " " + scheme + ":" + id + ";";
    }

    private static String line(byte[] data, io.coordinator.server.protocol.Stat stat, CharSequence acl) {
        return (data == null ? "null" : HexFormat.of().formatHex(data)) + " " + stat + " " + acl;
    }
}
