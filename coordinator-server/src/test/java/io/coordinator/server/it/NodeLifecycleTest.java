package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/**
 * Server-side reaping of containers and TTL nodes, with the sweep made fast (every 500 ms) so that the tests
 * wait for the deletion event rather than a minute. "Survives" is asserted only after a sweep has provably
 * run (another node it reaped is gone), never after a sleep.
 */
abstract class NodeLifecycleTest extends ServerTestBase {

    @Override
    protected boolean fastReaping() {
        return true;
    }

    static CompletableFuture<WatchedEvent> watchExists(ZooKeeper z, String path) throws Exception {
        CompletableFuture<WatchedEvent> f = new CompletableFuture<>();
        Stat st = z.exists(path, f::complete);
        assertThat(st).as("%s exists", path).isNotNull();
        return f;
    }

    @Test
    void containerIsReapedAfterItsLastChildGoesButANeverUsedOneIsNot() throws Exception {
        String p = unique("containers");
        try (ZooKeeper z = zk()) {
            z.create(p, null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            z.create(p + "/never-used", null, Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
            z.create(p + "/busy", null, Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
            z.create(p + "/busy/child", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            z.create(p + "/kept", null, Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
            z.create(p + "/kept/child", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            CompletableFuture<WatchedEvent> busyGone = watchExists(z, p + "/busy");
            z.delete(p + "/busy/child", -1);
            WatchedEvent e = busyGone.get(60, TimeUnit.SECONDS);
            assertThat(e.getType()).isEqualTo(Watcher.Event.EventType.NodeDeleted);
            assertThat(z.exists(p + "/busy", false)).isNull();
            // that sweep saw the others too
            assertThat(z.exists(p + "/never-used", false)).isNotNull();
            assertThat(z.exists(p + "/kept", false)).isNotNull();
            assertThat(z.exists(p, false))
                    .as("a persistent parent is never reaped")
                    .isNotNull();
        }
    }

    @Test
    void containerParentsCreatedByCuratorStyleMkdirsAreReapedBottomUp() throws Exception {
        String p = unique("nested");
        try (ZooKeeper z = zk()) {
            z.create(p, null, Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
            z.create(p + "/mid", null, Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
            z.create(p + "/mid/leaf", null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            CompletableFuture<WatchedEvent> topGone = watchExists(z, p);
            z.delete(p + "/mid/leaf", -1);
            // mid goes first (it is then childless with cversion > 0), then p in a later sweep
            assertThat(topGone.get(60, TimeUnit.SECONDS).getType()).isEqualTo(Watcher.Event.EventType.NodeDeleted);
            assertThat(z.exists(p + "/mid", false)).isNull();
        }
    }

    @Test
    void ttlNodeIsReapedWhenChildlessAndIdleButNotWhileItHasChildren() throws Exception {
        String p = unique("ttl");
        try (ZooKeeper z = zk()) {
            z.create(p, null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            Stat st = new Stat();
            z.create(p + "/parent", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, st, 300);
            assertThat(st.getEphemeralOwner()).isZero();
            z.create(p + "/parent/child", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            String seq = z.create(
                    p + "/seq-", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, st, 300);
            CompletableFuture<WatchedEvent> seqGone = watchExists(z, seq);
            z.create(p + "/lonely", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, st, 300);
            CompletableFuture<WatchedEvent> lonelyGone = watchExists(z, p + "/lonely");
            assertThat(lonelyGone.get(60, TimeUnit.SECONDS).getType()).isEqualTo(Watcher.Event.EventType.NodeDeleted);
            assertThat(seqGone.get(60, TimeUnit.SECONDS).getType()).isEqualTo(Watcher.Event.EventType.NodeDeleted);
            // created before /lonely, idle just as long, but it has a child
            assertThat(z.exists(p + "/parent", false)).isNotNull();
            CompletableFuture<WatchedEvent> parentGone = watchExists(z, p + "/parent");
            z.delete(p + "/parent/child", -1);
            assertThat(parentGone.get(60, TimeUnit.SECONDS).getType()).isEqualTo(Watcher.Event.EventType.NodeDeleted);
        }
    }

    @Test
    void ttlNodeWithALongTtlOutlivesAShortOneCreatedAfterIt() throws Exception {
        String p = unique("ttl-touch");
        try (ZooKeeper z = zk()) {
            z.create(p, null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            Stat st = new Stat();
            // long TTL: must survive the sweep that reaps the short one created after it
            z.create(p + "/long", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, st, 3_600_000);
            z.create(p + "/short", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, st, 200);
            CompletableFuture<WatchedEvent> shortGone = watchExists(z, p + "/short");
            assertThat(shortGone.get(60, TimeUnit.SECONDS).getType()).isEqualTo(Watcher.Event.EventType.NodeDeleted);
            assertThat(z.exists(p + "/long", false)).isNotNull();
        }
    }
}
