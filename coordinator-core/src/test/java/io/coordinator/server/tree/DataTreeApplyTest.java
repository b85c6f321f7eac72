package io.coordinator.server.tree;

import static io.coordinator.server.tree.TreeOps.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Perms;
import io.coordinator.server.protocol.Stat;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.ZkException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataTreeApplyTest {

    private final TreeOps ops = new TreeOps();
    private final DataTree tree = ops.tree;

    @Test
    void freshTreeHasTheSystemNodes() {
        assertThat(tree.exists("/", null)).isEqualTo(new Stat(0, 0, 0, 0, 0, -1, 0, 0, 0, 1, 0));
        assertThat(tree.exists("/zookeeper", null)).isEqualTo(new Stat(0, 0, 0, 0, 0, -2, 0, 0, 0, 2, 0));
        assertThat(tree.exists("/zookeeper/quota", null)).isEqualTo(Stat.ZERO);
        assertThat(tree.exists("/zookeeper/config", null)).isEqualTo(new Stat(0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0));
        assertThat(tree.getAcl("/").acl()).isEqualTo(Acl.OPEN_ACL_UNSAFE);
        assertThat(tree.getAcl("/zookeeper").acl()).isEqualTo(Acl.OPEN_ACL_UNSAFE);
        assertThat(tree.getAcl("/zookeeper/quota").acl()).isEqualTo(Acl.OPEN_ACL_UNSAFE);
        assertThat(tree.getAcl("/zookeeper/config").acl()).isEqualTo(Acl.READ_ACL_UNSAFE);
        assertThat(tree.getData("/zookeeper/config", null).data()).isEmpty();
        assertThat(tree.getChildren("/", null).children()).containsExactly("zookeeper");
        assertThat(tree.getChildren("/zookeeper", null).children()).containsExactlyInAnyOrder("quota", "config");
        assertThat(tree.nodeCount()).isEqualTo(5);
        assertThat(tree.allChildrenNumber("/")).isEqualTo(3);
        assertThat(tree.allChildrenNumber("/zookeeper")).isEqualTo(2);
        assertThat(tree.lastProcessedZxid()).isZero();
    }

    @Test
    void createSetsTheNodeAndParentStat() {
        ops.create("/p", "x");
        long pz = ops.zxid;
        ApplyResult r = ops.create("/p/a", "hello");
        long z = ops.zxid;
        assertThat(r.err()).isEqualTo(Code.OK);
        assertThat(r.path()).isEqualTo("/p/a");
        assertThat(r.stat()).isEqualTo(new Stat(z, z, ops.time, ops.time, 0, 0, 0, 0, 5, 0, z));
        assertThat(tree.exists("/p/a", null)).isEqualTo(r.stat());
        Stat parent = tree.exists("/p", null);
        assertThat(parent.cversion()).isEqualTo(1);
        assertThat(parent.pzxid()).isEqualTo(z);
        assertThat(parent.czxid()).isEqualTo(pz);
        assertThat(parent.mzxid()).isEqualTo(pz);
        assertThat(parent.numChildren()).isEqualTo(1);
        assertThat(tree.getNode("/p").storedCversion()).isEqualTo(1);
        assertThat(tree.lastProcessedZxid()).isEqualTo(z);
    }

    @Test
    void empiricalCversionExample() {
        ops.create("/p", "");
        ops.create("/p/a", "");
        assertThat(tree.exists("/p", null).cversion()).isEqualTo(1);
        ops.delete("/p/a");
        long deleteZxid = ops.zxid;
        assertThat(tree.exists("/p", null).cversion()).isEqualTo(2);
        assertThat(tree.exists("/p", null).pzxid()).isEqualTo(deleteZxid);
        // The sequential suffix comes from the stored cversion before the increment.
        String suffix = String.format("%010d", tree.getNode("/p").storedCversion());
        assertThat(suffix).isEqualTo("0000000001");
        ops.create("/p/s" + suffix, "");
        assertThat(tree.exists("/p", null).cversion()).isEqualTo(3);
        assertThat(tree.getNode("/p").storedCversion()).isEqualTo(2);
        assertThat(tree.getChildren("/p", null).children()).containsExactly("s0000000001");
    }

    @Test
    void deleteOnlyRaisesParentPzxidWhenLarger() {
        ops.create("/p", "");
        ops.create("/p/a", "");
        ops.create("/p/b", "");
        long createB = ops.zxid;
        // A replayed delete with a smaller zxid leaves the parent's pzxid alone.
        ApplyResult r = tree.apply(new TxnHeader(1, 1, createB - 1, 5, OpCode.DELETE), new Txn.Delete("/p/a"));
        assertThat(r.err()).isEqualTo(Code.OK);
        assertThat(tree.getNode("/p").pzxid()).isEqualTo(createB);
        assertThat(tree.getNode("/p/a")).isNull();
        assertThat(tree.exists("/p", null).cversion()).isEqualTo(2 * 2 - 1);
    }

    @Test
    void setDataChangesVersionMzxidMtimeOnly() {
        ApplyResult c = ops.create("/n", "a");
        ApplyResult r = ops.setData("/n", "bcd");
        long z = ops.zxid;
        Stat before = c.stat();
        assertThat(r.stat())
                .isEqualTo(new Stat(before.czxid(), z, before.ctime(), ops.time, 1, 0, 0, 0, 3, 0, before.pzxid()));
        assertThat(r.path()).isEqualTo("/n");
        assertThat(tree.getData("/n", null).data()).isEqualTo(bytes("bcd"));
    }

    @Test
    void setAclChangesAversionOnly() {
        ApplyResult c = ops.create("/n", "a");
        List<Acl> acl = List.of(new Acl(Perms.READ, new Id("digest", "u:x")));
        ApplyResult r = ops.setAcl("/n", acl);
        Stat s = c.stat();
        assertThat(r.stat())
                .isEqualTo(new Stat(s.czxid(), s.mzxid(), s.ctime(), s.mtime(), 0, 0, 1, 0, 1, 0, s.pzxid()));
        assertThat(tree.getAcl("/n").acl()).isEqualTo(acl);
        assertThat(tree.getAcl("/n").stat()).isEqualTo(r.stat());
    }

    @Test
    void nullDataStaysNullAndEmptyStaysEmpty() {
        ops.create("/null", null, 0);
        ops.create("/empty", new byte[0], 0);
        assertThat(tree.getData("/null", null).data()).isNull();
        assertThat(tree.getData("/empty", null).data()).isNotNull().isEmpty();
        assertThat(tree.exists("/null", null).dataLength()).isZero();
        ops.setData("/empty", null);
        assertThat(tree.getData("/empty", null).data()).isNull();
    }

    @Test
    void ephemeralOwnerIsStoredAsGivenAndShownOnlyForSessions() {
        ops.create("/e", bytes("x"), 0x55L);
        ops.create("/c", bytes("x"), Txn.CONTAINER_OWNER);
        long ttlOwner = Txn.TTL_OWNER_BITS | 5000;
        ops.create("/t", bytes("x"), ttlOwner);
        assertThat(tree.getNode("/e").ephemeralOwner()).isEqualTo(0x55L);
        assertThat(tree.exists("/e", null).ephemeralOwner()).isEqualTo(0x55L);
        assertThat(tree.getNode("/c").ephemeralOwner()).isEqualTo(Txn.CONTAINER_OWNER);
        assertThat(tree.exists("/c", null).ephemeralOwner()).isZero();
        assertThat(tree.getNode("/t").ephemeralOwner()).isEqualTo(ttlOwner);
        assertThat(tree.exists("/t", null).ephemeralOwner()).isZero();
        assertThat(tree.getEphemerals(0x55L)).containsExactly("/e");
        assertThat(tree.ephemeralCount()).isEqualTo(1);
    }

    @Test
    void readsOfMissingNodesThrowNoNode() {
        assertThatThrownBy(() -> tree.exists("/nope", null))
                .isInstanceOf(ZkException.class)
                .extracting(e -> ((ZkException) e).code())
                .isEqualTo(Code.NONODE);
        assertThatThrownBy(() -> tree.getData("/nope", null))
                .extracting(e -> ((ZkException) e).code())
                .isEqualTo(Code.NONODE);
        assertThatThrownBy(() -> tree.getChildren("/nope", null))
                .extracting(e -> ((ZkException) e).code())
                .isEqualTo(Code.NONODE);
        assertThatThrownBy(() -> tree.getAcl("/nope"))
                .extracting(e -> ((ZkException) e).code())
                .isEqualTo(Code.NONODE);
        assertThatThrownBy(() -> tree.getData("bad path", null))
                .extracting(e -> ((ZkException) e).code())
                .isEqualTo(Code.NONODE);
    }

    @Test
    void txnsThatDoNotFitReturnErrorsAndChangeNothing() {
        ops.create("/a", "x");
        ops.create("/a/b", "y");
        Stat a = tree.exists("/a", null);
        assertThat(ops.create("/missing/x", "z").err()).isEqualTo(Code.NONODE);
        assertThat(ops.setData("/missing", "z").err()).isEqualTo(Code.NONODE);
        assertThat(ops.setAcl("/missing", Acl.OPEN_ACL_UNSAFE).err()).isEqualTo(Code.NONODE);
        assertThat(ops.delete("/missing/x").err()).isEqualTo(Code.NONODE);
        assertThat(ops.delete("/a").err()).isEqualTo(Code.NOTEMPTY);
        assertThat(ops.delete("/zookeeper").err()).isEqualTo(Code.BADARGUMENTS);
        assertThat(ops.delete("/").err()).isEqualTo(Code.BADARGUMENTS);
        assertThat(ops.delete("/zookeeper/config").err()).isEqualTo(Code.BADARGUMENTS);
        assertThat(ops.create("no-slash", "z").err()).isEqualTo(Code.BADARGUMENTS);
        assertThat(tree.exists("/a", null)).isEqualTo(a);
        assertThat(tree.getNode("/a/b")).isNotNull();
        assertThat(tree.nodeCount()).isEqualTo(7);
        // lastProcessedZxid still advances: the txns were applied (as no-ops).
        assertThat(tree.lastProcessedZxid()).isEqualTo(ops.zxid);
    }

    @Test
    void replayedDeleteOfMissingChildStillRaisesParentPzxid() {
        // ZooKeeper does this so a fuzzy snapshot (parent copied before the child went) heals on replay.
        ops.create("/a", "x");
        long before = tree.getNode("/a").pzxid();
        ApplyResult r = ops.delete("/a/gone");
        assertThat(r.err()).isEqualTo(Code.NONODE);
        assertThat(tree.getNode("/a").pzxid()).isEqualTo(ops.zxid).isGreaterThan(before);
        assertThat(tree.getNode("/a").storedCversion()).isZero();
    }

    @Test
    void replayedCreateOfExistingNodeRaisesParentCversionWhenLarger() {
        ops.create("/a", "x");
        ops.create("/a/b", "y");
        Txn.Create again = new Txn.Create("/a/b", bytes("other"), Acl.OPEN_ACL_UNSAFE, 0, 5);
        ApplyResult r = tree.apply(ops.next(OpCode.CREATE), again);
        assertThat(r.err()).isEqualTo(Code.NODEEXISTS);
        assertThat(tree.getNode("/a").storedCversion()).isEqualTo(5);
        assertThat(tree.getNode("/a").pzxid()).isEqualTo(ops.zxid);
        assertThat(tree.getData("/a/b", null).data()).isEqualTo(bytes("y"));
        // A smaller cversion changes nothing.
        Txn.Create older = new Txn.Create("/a/b", null, Acl.OPEN_ACL_UNSAFE, 0, 2);
        long pz = tree.getNode("/a").pzxid();
        assertThat(tree.apply(ops.next(OpCode.CREATE), older).err()).isEqualTo(Code.NODEEXISTS);
        assertThat(tree.getNode("/a").storedCversion()).isEqualTo(5);
        assertThat(tree.getNode("/a").pzxid()).isEqualTo(pz);
    }

    @Test
    void createWithSmallerParentCversionKeepsTheLargerOne() {
        ops.create("/a", "x");
        tree.apply(ops.next(OpCode.CREATE), new Txn.Create("/a/b", null, Acl.OPEN_ACL_UNSAFE, 0, 4));
        long z = ops.zxid;
        tree.apply(ops.next(OpCode.CREATE), new Txn.Create("/a/c", null, Acl.OPEN_ACL_UNSAFE, 0, 3));
        assertThat(tree.getNode("/a").storedCversion()).isEqualTo(4);
        assertThat(tree.getNode("/a").pzxid()).isEqualTo(z);
        assertThat(tree.getNode("/a/c")).isNotNull();
        // -1 means "one more than now", as ZooKeeper's createNode.
        tree.apply(ops.next(OpCode.CREATE), new Txn.Create("/a/d", null, Acl.OPEN_ACL_UNSAFE, 0, -1));
        assertThat(tree.getNode("/a").storedCversion()).isEqualTo(5);
    }

    @Test
    void createSessionErrorAndCheckChangeNothing() {
        ops.create("/a", "x");
        Stat a = tree.exists("/a", null);
        int count = tree.nodeCount();
        ApplyResult cs = tree.apply(ops.next(OpCode.CREATE_SESSION), new Txn.CreateSession(77, 3000));
        assertThat(cs).isEqualTo(new ApplyResult(Code.OK, null, null, null));
        ApplyResult err = tree.apply(ops.next(OpCode.ERROR), new Txn.Error(Code.NODEEXISTS));
        assertThat(err.err()).isEqualTo(Code.NODEEXISTS);
        ApplyResult check = tree.apply(ops.next(OpCode.CHECK), new Txn.Check("/a", 0));
        assertThat(check).isEqualTo(new ApplyResult(Code.OK, "/a", null, null));
        assertThat(tree.exists("/a", null)).isEqualTo(a);
        assertThat(tree.nodeCount()).isEqualTo(count);
        assertThat(tree.lastProcessedZxid()).isEqualTo(ops.zxid);
    }

    @Test
    void lastProcessedZxidOnlyGrows() {
        ops.create("/a", "x");
        long z = ops.zxid;
        tree.apply(new TxnHeader(1, 1, z - 1, 0, OpCode.ERROR), new Txn.Error(0));
        assertThat(tree.lastProcessedZxid()).isEqualTo(z);
        tree.setLastProcessedZxid(3);
        assertThat(tree.lastProcessedZxid()).isEqualTo(3);
    }

    @Test
    void closeSessionDeletesThatSessionsEphemeralsInSortedOrder() {
        ops.create("/app", "");
        ops.ephemeral("/app/z", 7);
        ops.ephemeral("/app/a", 7);
        ops.ephemeral("/app/m", 7);
        ops.ephemeral("/app/other", 8);
        RecordingWatcher w = new RecordingWatcher("w");
        for (String p : List.of("/app/z", "/app/a", "/app/m", "/app/other")) {
            tree.exists(p, w);
        }
        assertThat(tree.getEphemerals(7)).containsExactly("/app/a", "/app/m", "/app/z");
        assertThat(tree.ephemeralsBySession()).containsOnlyKeys(7L, 8L);
        ApplyResult r = ops.closeSession(7);
        assertThat(r.err()).isEqualTo(Code.OK);
        assertThat(w.seen()).containsExactly("deleted:/app/a", "deleted:/app/m", "deleted:/app/z");
        assertThat(w.events).allMatch(e -> e.zxid() == ops.zxid);
        assertThat(tree.getChildren("/app", null).children()).containsExactly("other");
        assertThat(tree.getEphemerals(7)).isEmpty();
        assertThat(tree.ephemeralsBySession()).containsOnlyKeys(8L);
        assertThat(tree.ephemeralCount()).isEqualTo(1);
        assertThat(tree.getNode("/app").pzxid()).isEqualTo(ops.zxid);
        // Closing an unknown session is harmless.
        assertThat(ops.closeSession(99).err()).isEqualTo(Code.OK);
    }

    @Test
    void deletingAnEphemeralRemovesItFromItsSession() {
        ops.ephemeral("/e1", 7);
        ops.ephemeral("/e2", 7);
        ops.delete("/e1");
        assertThat(tree.getEphemerals(7)).containsExactly("/e2");
        ops.delete("/e2");
        assertThat(tree.ephemeralsBySession()).isEmpty();
    }

    @Test
    void multiAppliesEveryOpWithOneZxid() {
        ops.create("/m", "");
        TxnHeader h = ops.next(OpCode.MULTI);
        ApplyResult r = tree.apply(
                h,
                new Txn.Multi(List.of(
                        new Txn.Create("/m/s0000000000", bytes("a"), Acl.OPEN_ACL_UNSAFE, 0, 1),
                        new Txn.Create("/m/s0000000001", bytes("b"), Acl.OPEN_ACL_UNSAFE, 0, 2),
                        new Txn.SetData("/m", bytes("top"), 1),
                        new Txn.Check("/m", 1),
                        new Txn.Delete("/m/s0000000000"))));
        assertThat(r.err()).isEqualTo(Code.OK);
        assertThat(r.path()).isNull();
        assertThat(r.multi()).hasSize(5);
        assertThat(r.multi()).extracting(ApplyResult::err).containsOnly(Code.OK);
        assertThat(r.multi())
                .extracting(ApplyResult::path)
                .containsExactly("/m/s0000000000", "/m/s0000000001", "/m", "/m", "/m/s0000000000");
        assertThat(r.multi().get(0).stat().czxid()).isEqualTo(h.zxid());
        assertThat(r.multi().get(2).stat().version()).isEqualTo(1);
        assertThat(r.multi().get(3).stat()).isNull();
        assertThat(tree.getChildren("/m", null).children()).containsExactly("s0000000001");
        Stat m = tree.exists("/m", null);
        assertThat(m.cversion()).isEqualTo(2 * 2 - 1);
        assertThat(m.pzxid()).isEqualTo(h.zxid());
        assertThat(m.mzxid()).isEqualTo(h.zxid());
        assertThat(tree.lastProcessedZxid()).isEqualTo(h.zxid());
    }

    @Test
    void failedMultiIsReportedAsErrorsAndChangesNothing() {
        ops.create("/m", "");
        Stat before = tree.exists("/m", null);
        ApplyResult r = ops.multi(
                new Txn.Error(Code.OK), new Txn.Error(Code.NODEEXISTS), new Txn.Error(Code.RUNTIMEINCONSISTENCY));
        assertThat(r.err()).isEqualTo(Code.NODEEXISTS);
        assertThat(r.multi())
                .extracting(ApplyResult::err)
                .containsExactly(Code.OK, Code.NODEEXISTS, Code.RUNTIMEINCONSISTENCY);
        assertThat(tree.exists("/m", null)).isEqualTo(before);
    }

    @Test
    void multiMixingErrorsAndOpsAppliesNoneOfTheOps() {
        ops.create("/m", "");
        ApplyResult r = ops.multi(
                new Txn.Create("/m/a", null, Acl.OPEN_ACL_UNSAFE, 0, 1),
                new Txn.Error(Code.BADVERSION),
                new Txn.SetData("/m", bytes("x"), 1));
        assertThat(r.err()).isEqualTo(Code.BADVERSION);
        assertThat(r.multi())
                .extracting(ApplyResult::err)
                .containsExactly(Code.OK, Code.BADVERSION, Code.RUNTIMEINCONSISTENCY);
        assertThat(tree.getNode("/m/a")).isNull();
        assertThat(tree.getNode("/m").version()).isZero();
    }

    @Test
    void emptyMultiIsOk() {
        ApplyResult r = ops.multi();
        assertThat(r.err()).isEqualTo(Code.OK);
        assertThat(r.multi()).isEmpty();
        assertThat(tree.lastProcessedZxid()).isEqualTo(ops.zxid);
    }

    @Test
    void multiSubOpThatDoesNotFitReportsItsErrorAndTheRestStillApply() {
        // Only possible on replay; ZooKeeper keeps going and reports the first error.
        ApplyResult r = ops.multi(new Txn.Delete("/nope"), new Txn.Create("/x", null, Acl.OPEN_ACL_UNSAFE, 0, 2));
        assertThat(r.err()).isEqualTo(Code.NONODE);
        assertThat(r.multi()).extracting(ApplyResult::err).containsExactly(Code.NONODE, Code.OK);
        assertThat(tree.getNode("/x")).isNotNull();
    }

    @Test
    void childNamesIsACopy() {
        ops.create("/a", "");
        ops.create("/a/b", "");
        var names = tree.getNode("/a").childNames();
        names.clear();
        assertThat(tree.getNode("/a").numChildren()).isEqualTo(1);
    }

    @Test
    void allChildrenNumberCountsAllDescendants() {
        ops.create("/a", "");
        ops.create("/a/b", "");
        ops.create("/a/b/c", "");
        ops.create("/ab", "");
        assertThat(tree.allChildrenNumber("/a")).isEqualTo(2);
        assertThat(tree.allChildrenNumber("/a/b/c")).isZero();
        assertThat(tree.allChildrenNumber("/")).isEqualTo(3 + 4);
    }

    @Test
    void approximateDataSizeCountsPathsAndData() {
        long before = tree.approximateDataSize();
        assertThat(before)
                .isEqualTo("/".length()
                        + "/zookeeper".length()
                        + "/zookeeper/quota".length()
                        + "/zookeeper/config".length());
        ops.create("/abc", "12345");
        assertThat(tree.approximateDataSize()).isEqualTo(before + 4 + 5);
        ops.setData("/abc", "1");
        assertThat(tree.approximateDataSize()).isEqualTo(before + 4 + 1);
        ops.delete("/abc");
        assertThat(tree.approximateDataSize()).isEqualTo(before);
        // ZooKeeper keeps the root under "" and "/": its data counts twice.
        ops.setData("/", "abc");
        assertThat(tree.approximateDataSize()).isEqualTo(before + 6);
    }

    @Test
    void configDataCanBeSetByTheServer() {
        tree.setConfigData(bytes("server.1=a:1:2:participant\nversion=100000000"));
        assertThat(tree.getData("/zookeeper/config", null).data())
                .isEqualTo(bytes("server.1=a:1:2:participant\nversion=100000000"));
        assertThat(tree.exists("/zookeeper/config", null).version()).isZero();
        RecordingWatcher w = new RecordingWatcher("w");
        tree.getData("/zookeeper/config", w);
        tree.setConfigData(bytes("v2"), 0x100000000L, 42);
        Stat s = tree.exists("/zookeeper/config", null);
        assertThat(s.version()).isEqualTo(-1);
        assertThat(s.mzxid()).isEqualTo(0x100000000L);
        assertThat(s.mtime()).isEqualTo(42);
        assertThat(s.aversion()).isEqualTo(-1);
        assertThat(w.seen()).containsExactly("dataChanged:/zookeeper/config");
    }

    @Test
    void creatingUnderZookeeperIsAllowed() {
        assertThat(ops.create("/zookeeper/mine", "x").err()).isEqualTo(Code.OK);
        assertThat(tree.exists("/zookeeper", null).cversion()).isEqualTo(2 * 1 - 3);
    }
}
