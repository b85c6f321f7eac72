package io.coordinator.server.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.Perms;
import io.coordinator.server.protocol.ZkException;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchTest {
    private final TreeOps ops = new TreeOps();
    private final DataTree tree = ops.tree;
    private final RecordingWatcher w = new RecordingWatcher("w");
    private final RecordingWatcher v = new RecordingWatcher("v");

    /** exists on a missing node: arms the watch, then throws NONODE. */
    private void existsWatch(String path, Watcher watcher) {
        assertThatThrownBy(() -> tree.exists(path, watcher)).isInstanceOf(ZkException.class);
    }

    @Test
    void existsOnMissingNodeArmsAWatchThatFiresOnCreate() {
        assertThatThrownBy(() -> tree.exists("/a", w)).isInstanceOf(ZkException.class);
        assertThat(tree.watchCount()).isEqualTo(1);
        ops.create("/a", "x");
        assertThat(w.seen()).containsExactly("created:/a");
        assertThat(w.events.get(0).zxid()).isEqualTo(ops.zxid);
        assertThat(w.events.get(0).acl()).isEqualTo(Acl.OPEN_ACL_UNSAFE);
        assertThat(tree.watchCount()).isZero();
    }

    @Test
    void getDataAndGetChildrenOnMissingNodeArmNothing() {
        assertThatThrownBy(() -> tree.getData("/a", w)).isInstanceOf(ZkException.class);
        assertThatThrownBy(() -> tree.getChildren("/a", w)).isInstanceOf(ZkException.class);
        assertThat(tree.watchCount()).isZero();
        ops.create("/a", "x");
        assertThat(w.events).isEmpty();
    }

    @Test
    void dataWatchFiresOnceOnSetData() {
        ops.create("/a", "x");
        tree.getData("/a", w);
        ops.setData("/a", "y");
        ops.setData("/a", "z");
        assertThat(w.seen()).containsExactly("dataChanged:/a");
    }

    @Test
    void createFiresChildrenChangedOnTheParentWithTheParentsAcl() {
        List<Acl> parentAcl = List.of(new Acl(Perms.ALL, new Id("digest", "u:p")));
        ops.create("/p", "");
        ops.setAcl("/p", parentAcl);
        tree.getChildren("/p", w);
        existsWatch("/p/c", v);
        ops.create("/p/c", "x");
        assertThat(w.seen()).containsExactly("childrenChanged:/p");
        assertThat(w.events.get(0).acl()).isEqualTo(parentAcl);
        assertThat(v.seen()).containsExactly("created:/p/c");
    }

    @Test
    void childWatchOnRootUsesSlash() {
        tree.getChildren("/", w);
        ops.create("/top", "");
        assertThat(w.seen()).containsExactly("childrenChanged:/");
    }

    @Test
    void deleteSendsOneNodeDeletedToAWatcherWithDataAndChildWatches() {
        ops.create("/p", "");
        ops.create("/p/c", "x");
        tree.getData("/p/c", w);
        tree.getChildren("/p/c", w);
        tree.exists("/p/c", v);
        tree.getChildren("/p", v);
        ops.delete("/p/c");
        assertThat(w.seen()).containsExactly("deleted:/p/c");
        assertThat(v.seen()).containsExactly("deleted:/p/c", "childrenChanged:/p");
        assertThat(tree.watchCount()).isZero();
    }

    @Test
    void childWatchAloneGetsNodeDeleted() {
        ops.create("/a", "");
        tree.getChildren("/a", w);
        ops.delete("/a");
        assertThat(w.seen()).containsExactly("deleted:/a");
    }

    @Test
    void childWatchIsNotFiredBySetData() {
        ops.create("/a", "");
        tree.getChildren("/a", w);
        ops.setData("/a", "x");
        assertThat(w.events).isEmpty();
        assertThat(tree.watchCount()).isEqualTo(1);
    }

    @Test
    void severalWatchersEachGetTheEvent() {
        ops.create("/a", "");
        tree.getData("/a", w);
        tree.getData("/a", v);
        tree.getData("/a", w); // same watcher twice: still one event
        ops.setData("/a", "x");
        assertThat(w.seen()).containsExactly("dataChanged:/a");
        assertThat(v.seen()).containsExactly("dataChanged:/a");
    }

    @Test
    void persistentWatchGetsAllFourEventsAndStays() {
        tree.addWatch("/p", w, false);
        ops.create("/p", "");
        ops.setData("/p", "x");
        ops.create("/p/c", "");
        ops.create("/p/c/d", ""); // not a child of /p: nothing
        ops.setData("/p/c", "y"); // not /p: nothing
        ops.delete("/p/c/d");
        ops.delete("/p/c");
        ops.delete("/p");
        ops.create("/p", "");
        assertThat(w.seen())
                .containsExactly(
                        "created:/p",
                        "dataChanged:/p",
                        "childrenChanged:/p",
                        "childrenChanged:/p",
                        "deleted:/p",
                        "created:/p");
        assertThat(tree.watchCount()).isEqualTo(2);
    }

    @Test
    void recursiveWatchCoversDescendantsButNeverChildrenChanged() {
        tree.addWatch("/r", w, true);
        ops.create("/r", "");
        ops.create("/r/a", "");
        ops.create("/r/a/b", "");
        ops.setData("/r/a/b", "x");
        ops.create("/rx", ""); // a sibling with a common prefix is not below /r
        ops.delete("/r/a/b");
        ops.setData("/r", "y");
        assertThat(w.seen())
                .containsExactly(
                        "created:/r",
                        "created:/r/a",
                        "created:/r/a/b",
                        "dataChanged:/r/a/b",
                        "deleted:/r/a/b",
                        "dataChanged:/r");
        assertThat(tree.watchCount()).isEqualTo(1);
    }

    @Test
    void recursiveWatchOnRootSeesEverything() {
        tree.addWatch("/", w, true);
        ops.create("/a", "");
        ops.setData("/zookeeper/quota", "q");
        assertThat(w.seen()).containsExactly("created:/a", "dataChanged:/zookeeper/quota");
    }

    @Test
    void recursiveAndStandardWatchOnSamePathGiveOneEvent() {
        ops.create("/r", "");
        tree.addWatch("/r", w, true);
        tree.getData("/r", w);
        ops.setData("/r", "x");
        assertThat(w.seen()).containsExactly("dataChanged:/r");
        ops.setData("/r", "y"); // the one-shot is gone, the recursive one stays
        assertThat(w.seen()).containsExactly("dataChanged:/r", "dataChanged:/r");
    }

    @Test
    void recursiveOnAncestorAndOneShotOnNodeGiveOneEvent() {
        ops.create("/r", "");
        ops.create("/r/a", "");
        tree.addWatch("/r", w, true);
        tree.getData("/r/a", w);
        ops.setData("/r/a", "x");
        assertThat(w.seen()).containsExactly("dataChanged:/r/a");
    }

    @Test
    void persistentAndOneShotChildWatchGiveOneChildrenChanged() {
        ops.create("/p", "");
        tree.addWatch("/p", w, false);
        tree.getChildren("/p", w);
        ops.create("/p/a", "");
        assertThat(w.seen()).containsExactly("childrenChanged:/p");
    }

    @Test
    void removeWatchesByType() {
        ops.create("/a", "");
        tree.getData("/a", w);
        tree.getChildren("/a", w);
        assertThat(tree.removeWatches("/a", 1, w, true)).isTrue();
        assertThat(tree.removeWatches("/a", 1, w, false)).isTrue();
        assertThat(tree.removeWatches("/a", 1, w, false)).isFalse();
        assertThat(tree.removeWatches("/a", 1, w, true)).isFalse();
        assertThat(tree.removeWatches("/a", 2, v, false)).isFalse();
        assertThat(tree.removeWatches("/a", 4, w, false)).isFalse();
        assertThat(tree.removeWatches("/a", 2, w, false)).isTrue();
        assertThat(tree.watchCount()).isZero();
        ops.setData("/a", "x");
        ops.delete("/a");
        assertThat(w.events).isEmpty();
    }

    @Test
    void removeWatchesDataRemovesExistWatches() {
        existsWatch("/missing", w);
        assertThat(tree.removeWatches("/missing", 2, w, false)).isTrue();
        ops.create("/missing", "");
        assertThat(w.events).isEmpty();
    }

    @Test
    void removeAnyRemovesPersistentAndRecursive() {
        tree.addWatch("/a", w, false);
        tree.addWatch("/b", w, true);
        assertThat(tree.watchCount()).isEqualTo(3);
        assertThat(tree.removeWatches("/a", 3, w, true)).isTrue();
        assertThat(tree.watchCount()).isEqualTo(3);
        assertThat(tree.removeWatches("/a", 3, w, false)).isTrue();
        assertThat(tree.removeWatches("/b", 3, w, false)).isTrue();
        assertThat(tree.watchCount()).isZero();
        ops.create("/a", "");
        ops.create("/b", "");
        ops.create("/b/c", "");
        assertThat(w.events).isEmpty();
    }

    @Test
    void removePersistentAndRecursiveByTheirOwnTypes() {
        tree.addWatch("/a", w, false);
        tree.addWatch("/a", w, true);
        assertThat(tree.removeWatches("/a", 5, w, false)).isTrue();
        assertThat(tree.removeWatches("/a", 5, w, false)).isFalse();
        ops.create("/a", "");
        ops.create("/a/b", "");
        ops.create("/a/b/c", "");
        assertThat(w.seen()).containsExactly("created:/a", "childrenChanged:/a");
        assertThat(tree.removeWatches("/a", 4, w, false)).isTrue();
        assertThat(tree.removeWatches("/a", 4, w, true)).isFalse();
        assertThat(tree.watchCount()).isZero();
    }

    @Test
    void unknownWatcherTypeIsBadArguments() {
        assertThatThrownBy(() -> tree.removeWatches("/a", 9, w, false))
                .isInstanceOf(ZkException.class)
                .extracting(e -> ((ZkException) e).code())
                .isEqualTo(Code.BADARGUMENTS);
    }

    @Test
    void removeWatcherDropsEverythingOfThatWatcherOnly() {
        ops.create("/a", "");
        tree.getData("/a", w);
        tree.getChildren("/a", w);
        tree.addWatch("/x", w, true);
        existsWatch("/b", w);
        tree.getData("/a", v);
        assertThat(tree.watcherCount()).isEqualTo(2);
        tree.removeWatcher(w);
        assertThat(tree.watcherCount()).isEqualTo(1);
        ops.setData("/a", "x");
        ops.create("/x", "");
        ops.create("/x/y", "");
        ops.create("/b", "");
        assertThat(w.events).isEmpty();
        assertThat(v.seen()).containsExactly("dataChanged:/a");
    }

    @Test
    void watchReports() {
        ops.create("/a", "");
        tree.getData("/a", w);
        tree.getChildren("/a", w);
        existsWatch("/b", w);
        tree.getData("/a", v);
        assertThat(tree.watchCount()).isEqualTo(4);
        assertThat(tree.watchedPathCount()).isEqualTo(2);
        assertThat(tree.watcherCount()).isEqualTo(2);
        assertThat(tree.watchesByWatcher().get(w)).containsExactlyInAnyOrder("/a", "/b");
        assertThat(tree.watchesByWatcher().get(v)).containsExactly("/a");
        assertThat(tree.watchesByPath().get("/a")).containsExactlyInAnyOrder(w, v);
        assertThat(tree.watchesByPath().get("/b")).containsExactly(w);
    }

    @Test
    void setWatchesSendsCatchUpEventsAndArmsTheRest() {
        ops.create("/same", "");
        ops.create("/changed", "");
        ops.create("/kids", "");
        ops.create("/quiet", "");
        long relative = ops.zxid;
        ops.setData("/changed", "x");
        ops.create("/kids/k", "");
        ops.create("/born", "");
        w.clear();
        tree.setWatches(
                relative,
                List.of("/same", "/changed", "/gone"),
                List.of("/born", "/unborn"),
                List.of("/kids", "/quiet", "/gone2"),
                List.of("/p"),
                List.of("/r"),
                w);
        assertThat(w.seen())
                .containsExactly(
                        "dataChanged:/changed",
                        "deleted:/gone",
                        "created:/born",
                        "childrenChanged:/kids",
                        "deleted:/gone2");
        assertThat(w.events).allMatch(e -> e.zxid() == -1 && e.acl() == null);
        w.clear();
        ops.setData("/same", "1");
        ops.create("/unborn", "");
        ops.create("/quiet/q", "");
        ops.create("/p", "");
        ops.create("/r", "");
        ops.create("/r/x", "");
        ops.setData("/changed", "again"); // no watch was armed for it
        assertThat(w.seen())
                .containsExactly(
                        "dataChanged:/same",
                        "created:/unborn",
                        "childrenChanged:/quiet",
                        "created:/p",
                        "created:/r",
                        "created:/r/x");
    }

    @Test
    void setWatchesAcceptsNullLists() {
        tree.setWatches(0, null, null, null, null, null, w);
        assertThat(tree.watchCount()).isZero();
    }

    @Test
    void deleteWatcherReceivesTheDeletedNodesAcl() {
        List<Acl> acl = List.of(new Acl(Perms.READ, new Id("ip", "10.0.0.0/8")));
        ops.create("/a", "");
        ops.setAcl("/a", acl);
        tree.exists("/a", w);
        ops.delete("/a");
        assertThat(w.events.get(0).acl()).isEqualTo(acl);
    }

    @Test
    void aThrowingWatcherDoesNotBreakApply() {
        ops.create("/a", "");
        tree.getData("/a", (event, zxid, acl) -> {
            throw new IllegalStateException("connection gone");
        });
        tree.getData("/a", w);
        ApplyResult r = ops.setData("/a", "x");
        assertThat(r.err()).isEqualTo(Code.OK);
        assertThat(w.seen()).containsExactly("dataChanged:/a");
    }
}
