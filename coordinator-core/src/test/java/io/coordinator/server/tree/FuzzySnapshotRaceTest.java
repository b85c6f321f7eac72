package io.coordinator.server.tree;

import static io.coordinator.server.tree.TreeOps.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The interleavings of a fuzzy snapshot walk and the writer, driven step by step through the walk's
 * {@link TreeCodec.WalkListener} (no threads): the writer's txns run inside the walk, just before it copies a
 * given path. Each test restores the snapshot, replays the log after a zxid and compares with the live tree.
 */
class FuzzySnapshotRaceTest {
    private final TreeOps ops = new TreeOps();
    private final List<TxnRecord> log = new ArrayList<>();

    private void run(int type, Txn txn) {
        TxnHeader header = ops.next(type);
        log.add(new TxnRecord(header, txn));
        assertThat(ops.tree.apply(header, txn).err()).as("%s", txn).isZero();
    }

    private void create(String path, String data, long owner) {
        run(OpCode.CREATE, ops.createTxn(path, bytes(data), owner));
    }

    private void setData(String path, String data) {
        run(
                OpCode.SET_DATA,
                new Txn.SetData(path, bytes(data), ops.tree.getNode(path).version() + 1));
    }

    private void delete(String path) {
        run(OpCode.DELETE, new Txn.Delete(path));
    }

    private void closeSession(long session) {
        run(OpCode.CLOSE_SESSION, new Txn.CloseSession(session));
    }

    /** Serializes the tree, running {@code writes} just before the walk copies {@code atPath} (once). */
    private byte[] snapshotWith(String atPath, Runnable writes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean[] done = {false};
        TreeCodec.write(ops.tree, new DataOutputStream(bytes), path -> {
            if (path.equals(atPath) && !done[0]) {
                done[0] = true;
                writes.run();
            }
        });
        assertThat(done[0]).as("the walk reached " + atPath).isTrue();
        return bytes.toByteArray();
    }

    /** Restores the snapshot, replays every logged txn after {@code from}, and compares with the live tree. */
    private void assertRestoresTheLiveTree(byte[] snapshot, long from) throws IOException {
        DataTree restored = SnapshotTest.deserialize(snapshot);
        for (TxnRecord r : log) {
            if (r.zxid() > from) {
                restored.apply(r.header(), r.txn());
            }
        }
        TreeAssert.assertSameTree(restored, ops.tree);
        assertThat(restored.lastProcessedZxid()).isEqualTo(ops.tree.lastProcessedZxid());
    }

    private void assertRestoresTheLiveTree(byte[] snapshot) throws IOException {
        assertRestoresTheLiveTree(snapshot, SnapshotTest.deserialize(snapshot).lastProcessedZxid());
    }

    /**
     * The CI failure (round 6, /a/a/c): the snapshot records zxid 2; /a is copied listing the ephemeral c;
     * then, before the walk looks c up, the writer sets its data (3), closes its session (4, which deletes
     * it) and creates a new persistent /a/c (5). Looked up by path, the walk wrote the new incarnation
     * (czxid 5); the replay then put txn 3's data onto it (czxid 5, mzxid 3) and txn 4 could not delete it
     * (the restored tree did not know it as session 2's ephemeral), so it stayed.
     */
    // Paused at "/", the walk reaches /a after the replacement: the snapshot holds a node newer than its zxid.
    @ParameterizedTest(name = "walk paused at {0}")
    @ValueSource(strings = {"/a/c", "/"})
    void childReplacedBetweenParentCopyAndChildCopy(String walkPausedAt) throws IOException {
        create("/a", "a", 0);
        create("/a/c", "old", 2);
        byte[] snapshot = snapshotWith(walkPausedAt, () -> {
            setData("/a/c", "set-on-old");
            closeSession(2);
            create("/a/c", "new", 0);
        });
        assertRestoresTheLiveTree(snapshot);
    }

    /**
     * A parent copied from one incarnation and its child from the next: the replayed deletes of the old child
     * and the old parent met the new grandchild (NOTEMPTY), so the old parent's data survived the restore.
     */
    @Test
    void parentAndChildFromDifferentIncarnations() throws IOException {
        create("/p", "A", 0);
        create("/p/x", "x-of-A", 0);
        byte[] snapshot = snapshotWith("/p/x", () -> {
            delete("/p/x");
            delete("/p");
            create("/p", "B", 0);
            create("/p/x", "x-of-B", 0);
            create("/p/x/y", "y", 0);
        });
        assertRestoresTheLiveTree(snapshot);
    }

    /**
     * An ephemeral deleted by a session close after its parent was copied: skipped by the walk, the replayed
     * close did not know it, so the parent's pzxid stayed behind (ZOOKEEPER-3145).
     */
    @Test
    void ephemeralClosedBetweenParentCopyAndChildCopy() throws IOException {
        create("/a", "a", 0);
        create("/a/e", "e", 7);
        byte[] snapshot = snapshotWith("/a/e", () -> closeSession(7));
        assertRestoresTheLiveTree(snapshot);
    }

    /**
     * The server names a snapshot by the zxid it asked for it at, which may be older than the zxid the walk
     * records: replaying from there re-applies txns of an incarnation the snapshot already replaced.
     */
    @Test
    void replayFromBeforeTheRecordedZxid() throws IOException {
        create("/a", "a", 0);
        create("/a/c", "old", 2);
        long askedAt = ops.zxid;
        setData("/a/c", "set-on-old");
        closeSession(2);
        create("/a/c", "new", 0);
        // The old /d/c: several child creations; the new one fewer, with a child that keeps it from deletion.
        create("/d", "d", 0);
        create("/d/c", "old", 0);
        for (int i = 0; i < 3; i++) {
            create("/d/c/a", "", 0);
            delete("/d/c/a");
        }
        delete("/d/c");
        create("/d/c", "new", 0);
        create("/d/c/b", "", 0);
        byte[] snapshot = SnapshotTest.serialize(ops.tree);
        assertRestoresTheLiveTree(snapshot, askedAt);
        assertRestoresTheLiveTree(snapshot, 0);
    }

    /** A txn older than a node's creation was meant for an earlier incarnation: it changes nothing there. */
    @Test
    void txnsOlderThanTheNodeAreNotApplied() {
        for (int i = 0; i < 9; i++) {
            ops.next(OpCode.CHECK);
        }
        ops.create("/n", "n"); // czxid 10
        ops.create("/n/kid", "k"); // czxid 11
        DataTree tree = ops.tree;
        String before = TreeAssert.describe(tree).toString();
        TxnHeader old = new TxnHeader(1, 5, 5, 50, OpCode.SET_DATA);
        assertThat(tree.apply(old, new Txn.SetData("/n", bytes("x"), 3)).err()).isEqualTo(Code.NONODE);
        assertThat(tree.apply(old, new Txn.SetAcl("/n", List.of(new Acl(1, Id.ANYONE)), 3))
                        .err())
                .isEqualTo(Code.NONODE);
        assertThat(tree.apply(old, new Txn.Delete("/n/kid")).err()).isEqualTo(Code.NONODE);
        assertThat(tree.apply(old, new Txn.Create("/n/other", bytes("o"), Acl.OPEN_ACL_UNSAFE, 0, 19))
                        .err())
                .isEqualTo(Code.NONODE);
        assertThat(tree.apply(old, new Txn.Create("/n/kid", bytes("o"), Acl.OPEN_ACL_UNSAFE, 0, 19))
                        .err())
                .isEqualTo(Code.NONODE);
        assertThat(TreeAssert.describe(tree).toString()).isEqualTo(before);
        // Same zxid (a multi that creates then changes the node) still applies.
        TxnHeader same = new TxnHeader(1, 11, 11, 50, OpCode.SET_DATA);
        assertThat(tree.apply(same, new Txn.SetData("/n/kid", bytes("x"), 1)).err())
                .isZero();
        assertThat(tree.getNode("/n/kid").data()).isEqualTo(bytes("x"));
    }

    /**
     * Random ops, and random bursts of writes before each node the walk copies: many interleavings, the same
     * ones on every run. Replays from the zxid the snapshot records and from the one it was asked for at.
     */
    @Test
    void randomInterleavingsRestoreTheLiveTree() throws IOException {
        for (int seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            TreeOps ops = new TreeOps();
            List<TxnRecord> log = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                SnapshotTest.randomOp(ops, random, log);
            }
            long askedAt = ops.zxid;
            int burst = 1 + random.nextInt(30);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            TreeCodec.write(ops.tree, new DataOutputStream(bytes), path -> {
                for (int i = random.nextInt(burst); i > 0; i--) {
                    SnapshotTest.randomOp(ops, random, log);
                }
            });
            for (int i = 0; i < 50; i++) {
                SnapshotTest.randomOp(ops, random, log);
            }
            DataTree probe = SnapshotTest.deserialize(bytes.toByteArray());
            for (long from : new long[] {probe.lastProcessedZxid(), askedAt}) {
                DataTree restored = SnapshotTest.deserialize(bytes.toByteArray());
                for (TxnRecord r : log) {
                    if (r.zxid() > from) {
                        restored.apply(r.header(), r.txn());
                    }
                }
                final long f = from;
                final int s = seed;
                org.assertj.core.api.Assertions.assertThatCode(() -> TreeAssert.assertSameTree(restored, ops.tree))
                        .as("seed %d, replay from %d", s, f)
                        .doesNotThrowAnyException();
            }
        }
    }
}
