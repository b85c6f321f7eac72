package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.api.transaction.OperationType;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.nodes.PersistentTtlNode;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/** Apache Curator 5.9.0 recipes against the server. */
abstract class CuratorRecipesTest extends ServerTestBase {

    CuratorFramework curator() throws Exception {
        CuratorFramework c = CuratorFrameworkFactory.builder()
                .connectString(cs())
                .sessionTimeoutMs(30_000)
                .connectionTimeoutMs(15_000)
                .retryPolicy(new RetryOneTime(200))
                .build();
        c.start();
        if (!c.blockUntilConnected(30, TimeUnit.SECONDS)) {
            c.close();
            throw new IllegalStateException("curator did not connect");
        }
        return c;
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void interProcessMutexGivesMutualExclusionBetweenTwoClients() throws Exception {
        String lockPath = unique("mutex");
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicInteger acquisitions = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (CuratorFramework c1 = curator();
                CuratorFramework c2 = curator()) {
            List<Future<?>> futures = new ArrayList<>();
            for (CuratorFramework c : List.of(c1, c2)) {
                futures.add(pool.submit(() -> {
                    InterProcessMutex m = new InterProcessMutex(c, lockPath);
                    for (int i = 0; i < 15; i++) {
                        if (!m.acquire(30, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("lock not acquired");
                        }
                        try {
                            int h = holders.incrementAndGet();
                            maxHolders.accumulateAndGet(h, Math::max);
                            acquisitions.incrementAndGet();
                            // hold it across a round trip so that contention is real
                            c.checkExists().forPath(lockPath);
                            holders.decrementAndGet();
                        } finally {
                            m.release();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(maxHolders.get()).isEqualTo(1);
            assertThat(acquisitions.get()).isEqualTo(30);
            // the lock nodes are gone; the parent is a container (possibly already collected). c2's last release
            // may have gone through another member of an ensemble: sync c1's first, as a client must
            c1.sync().forPath(lockPath);
            Stat st = c1.checkExists().forPath(lockPath);
            if (st != null) {
                assertThat(c1.getChildren().forPath(lockPath)).isEmpty();
                assertThat(st.getEphemeralOwner()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void leaderLatchElectsOneLeaderAndLeadershipMovesWhenItCloses() throws Exception {
        String path = unique("latch");
        try (CuratorFramework c1 = curator();
                CuratorFramework c2 = curator()) {
            LeaderLatch l1 = new LeaderLatch(c1, path, "one");
            LeaderLatch l2 = new LeaderLatch(c2, path, "two");
            CompletableFuture<LeaderLatch> firstLeader = new CompletableFuture<>();
            CompletableFuture<LeaderLatch> l2Leader = new CompletableFuture<>();
            CompletableFuture<LeaderLatch> l1Leader = new CompletableFuture<>();
            l1.addListener(listener(() -> {
                firstLeader.complete(l1);
                l1Leader.complete(l1);
            }));
            l2.addListener(listener(() -> {
                firstLeader.complete(l2);
                l2Leader.complete(l2);
            }));
            l1.start();
            l2.start();
            LeaderLatch leader = firstLeader.get(30, TimeUnit.SECONDS);
            LeaderLatch follower = leader == l1 ? l2 : l1;
            CompletableFuture<LeaderLatch> followerBecomes = leader == l1 ? l2Leader : l1Leader;
            // The first latch can win before the second has created its node: wait for both.
            awaitChildren(c1, path, 2);
            assertThat(leader.hasLeadership()).isTrue();
            assertThat(follower.hasLeadership()).isFalse();
            assertThat(follower.getLeader().getId()).isEqualTo(leader.getId());
            assertThat(leader.getParticipants()).hasSize(2);
            leader.close();
            assertThat(followerBecomes.get(30, TimeUnit.SECONDS)).isSameAs(follower);
            assertThat(follower.hasLeadership()).isTrue();
            follower.close();
        }
    }

    /** Returns once {@code path} has at least {@code count} children, woken by child watches. */
    private static void awaitChildren(CuratorFramework c, String path, int count) throws Exception {
        while (true) {
            CompletableFuture<Void> changed = new CompletableFuture<>();
            if (c.getChildren()
                            .usingWatcher((Watcher) e -> changed.complete(null))
                            .forPath(path)
                            .size()
                    >= count) {
                return;
            }
            changed.get(30, TimeUnit.SECONDS);
        }
    }

    private static LeaderLatchListener listener(Runnable onLeader) {
        return new LeaderLatchListener() {
            @Override
            public void isLeader() {
                onLeader.run();
            }

            @Override
            public void notLeader() {
                // not tracked
            }
        };
    }

    @Test
    void curatorCacheSeesCreateChangeDeleteOfDescendants() throws Exception {
        String root = unique("cache");
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CompletableFuture<Void> initialized = new CompletableFuture<>();
        try (CuratorFramework c = curator();
                CuratorFramework writer = curator()) {
            c.create().forPath(root, b("r"));
            c.create().forPath(root + "/pre", b("p"));
            try (CuratorCache cache = CuratorCache.build(c, root)) {
                cache.listenable()
                        .addListener(CuratorCacheListener.builder()
                                .forCreates(n -> events.add("create " + n.getPath() + " " + new String(n.getData())))
                                .forChanges(
                                        (o, n) -> events.add("change " + n.getPath() + " " + new String(n.getData())))
                                .forDeletes(o -> events.add("delete " + o.getPath()))
                                .forInitialized(() -> initialized.complete(null))
                                .build());
                cache.start();
                initialized.get(30, TimeUnit.SECONDS);
                List<String> initial = new ArrayList<>();
                initial.add(events.poll(30, TimeUnit.SECONDS));
                initial.add(events.poll(30, TimeUnit.SECONDS));
                assertThat(initial).containsExactlyInAnyOrder("create " + root + " r", "create " + root + "/pre p");

                writer.create().forPath(root + "/a", b("1"));
                assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("create " + root + "/a 1");
                writer.create().forPath(root + "/a/deep", b("2"));
                assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("create " + root + "/a/deep 2");
                writer.setData().forPath(root + "/a/deep", b("3"));
                assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("change " + root + "/a/deep 3");
                writer.delete().forPath(root + "/a/deep");
                assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("delete " + root + "/a/deep");
                writer.setData().forPath(root, b("r2"));
                assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("change " + root + " r2");
                assertThat(cache.get(root + "/a")).isPresent();
                assertThat(cache.get(root + "/a/deep")).isEmpty();
                assertThat(cache.size()).isEqualTo(3);
            }
        }
    }

    @Test
    void serviceDiscoveryRegistersQueriesAndUnregisters() throws Exception {
        String base = unique("services");
        try (CuratorFramework c1 = curator();
                CuratorFramework c2 = curator()) {
            ServiceDiscovery<Void> registrar = ServiceDiscoveryBuilder.builder(Void.class)
                    .client(c1)
                    .basePath(base)
                    .build();
            ServiceDiscovery<Void> reader = ServiceDiscoveryBuilder.builder(Void.class)
                    .client(c2)
                    .basePath(base)
                    .watchInstances(false)
                    .build();
            registrar.start();
            reader.start();
            ServiceInstance<Void> one = ServiceInstance.<Void>builder()
                    .name("orders")
                    .address("127.0.0.1")
                    .port(8081)
                    .build();
            ServiceInstance<Void> two = ServiceInstance.<Void>builder()
                    .name("orders")
                    .address("127.0.0.1")
                    .port(8082)
                    .build();
            registrar.registerService(one);
            registrar.registerService(two);
            catchUp(c2.getZookeeperClient().getZooKeeper(), base);
            assertThat(reader.queryForNames()).containsExactly("orders");
            Collection<ServiceInstance<Void>> found = reader.queryForInstances("orders");
            assertThat(found).extracting(ServiceInstance::getPort).containsExactlyInAnyOrder(8081, 8082);
            ServiceInstance<Void> byId = reader.queryForInstance("orders", one.getId());
            assertThat(byId).isNotNull();
            assertThat(byId.getPort()).isEqualTo(8081);
            // instances are ephemeral znodes of the registrar's session
            Stat st = c2.checkExists().forPath(base + "/orders/" + one.getId());
            assertThat(st.getEphemeralOwner())
                    .isEqualTo(c1.getZookeeperClient().getZooKeeper().getSessionId());
            registrar.unregisterService(one);
            catchUp(c2.getZookeeperClient().getZooKeeper(), base);
            assertThat(reader.queryForInstances("orders"))
                    .extracting(ServiceInstance::getPort)
                    .containsExactly(8082);
            registrar.close();
            catchUp(c2.getZookeeperClient().getZooKeeper(), base);
            assertThat(reader.queryForInstances("orders")).isEmpty();
            reader.close();
        }
    }

    @Test
    void transactionsCommitAllOrNothing() throws Exception {
        String p = unique("tx");
        try (CuratorFramework c = curator()) {
            c.create().forPath(p, b("0"));
            Collection<CuratorTransactionResult> results = c.transaction()
                    .forOperations(
                            c.transactionOp().create().forPath(p + "/a", b("a")),
                            c.transactionOp()
                                    .create()
                                    .withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                                    .forPath(p + "/s-", b("s")),
                            c.transactionOp().setData().forPath(p, b("1")),
                            c.transactionOp().check().withVersion(1).forPath(p));
            assertThat(results)
                    .extracting(CuratorTransactionResult::getType)
                    .containsExactly(
                            OperationType.CREATE, OperationType.CREATE, OperationType.SET_DATA, OperationType.CHECK);
            List<CuratorTransactionResult> list = new ArrayList<>(results);
            assertThat(list.get(0).getResultPath()).isEqualTo(p + "/a");
            assertThat(list.get(1).getResultPath()).matches(java.util.regex.Pattern.quote(p) + "/s-\\d{10}");
            assertThat(list.get(2).getResultStat().getVersion()).isEqualTo(1);
            assertThat(list.get(0).getError()).isZero();

            assertThatThrownBy(() -> c.transaction()
                            .forOperations(
                                    c.transactionOp().create().forPath(p + "/b", b("b")),
                                    c.transactionOp().delete().withVersion(7).forPath(p + "/a")))
                    .isInstanceOf(KeeperException.BadVersionException.class);
            assertThat(c.checkExists().forPath(p + "/b")).isNull();
            assertThat(c.checkExists().forPath(p + "/a")).isNotNull();
            assertThat(new String(c.getData().forPath(p))).isEqualTo("1");
        }
    }

    @Test
    void creatingParentContainersIfNeeded() throws Exception {
        String p = unique("containers");
        try (CuratorFramework c = curator()) {
            String created = c.create().creatingParentContainersIfNeeded().forPath(p + "/x/y/leaf", b("leaf"));
            assertThat(created).isEqualTo(p + "/x/y/leaf");
            assertThat(new String(c.getData().forPath(p + "/x/y/leaf"))).isEqualTo("leaf");
            Stat parent = c.checkExists().forPath(p + "/x/y");
            assertThat(parent).isNotNull();
            assertThat(parent.getEphemeralOwner()).isZero();
            assertThat(parent.getNumChildren()).isEqualTo(1);
            // again: parents exist, leaf exists
            assertThatThrownBy(
                            () -> c.create().creatingParentContainersIfNeeded().forPath(p + "/x/y/leaf"))
                    .isInstanceOf(KeeperException.NodeExistsException.class);
            String ephemeral = c.create()
                    .creatingParentsIfNeeded()
                    .withProtection()
                    .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                    .forPath(p + "/q/item-", b("e"));
            assertThat(ephemeral).matches(".*/q/_c_[0-9a-f-]{36}-item-\\d{10}");
            assertThat(c.getChildren().forPath(p + "/q")).hasSize(1);
        }
    }

    @Test
    void persistentTtlNodeIsCreatedAsTtlNodeWithItsData() throws Exception {
        String p = unique("ttl");
        try (CuratorFramework c = curator()) {
            c.create().forPath(p);
            try (PersistentTtlNode node = new PersistentTtlNode(c, p + "/n", 60_000, b("ttl-data"))) {
                node.start();
                assertThat(node.waitForInitialCreate(30, TimeUnit.SECONDS)).isTrue();
                assertThat(new String(c.getData().forPath(p + "/n"))).isEqualTo("ttl-data");
                Stat st = c.checkExists().forPath(p + "/n");
                assertThat(st.getEphemeralOwner()).isZero();
            }
            // a plain TTL create through the framework (createTTL opcode)
            c.create().withTtl(60_000).withMode(CreateMode.PERSISTENT_WITH_TTL).forPath(p + "/plain", b("t"));
            assertThat(new String(c.getData().forPath(p + "/plain"))).isEqualTo("t");
        }
    }

    @Test
    void curatorCrudAndVersionsThroughTheFramework() throws Exception {
        String p = unique("crud");
        try (CuratorFramework c = curator()) {
            Stat st = new Stat();
            c.create().storingStatIn(st).forPath(p, b("v0"));
            assertThat(st.getVersion()).isZero();
            c.setData().withVersion(0).forPath(p, b("v1"));
            assertThatThrownBy(() -> c.setData().withVersion(0).forPath(p, b("v2")))
                    .isInstanceOf(KeeperException.BadVersionException.class);
            c.create().orSetData().forPath(p, b("v3"));
            assertThat(new String(c.getData().forPath(p))).isEqualTo("v3");
            c.sync().forPath(p);
            c.create().forPath(p + "/c");
            c.delete().deletingChildrenIfNeeded().forPath(p);
            assertThat(c.checkExists().forPath(p)).isNull();
        }
    }
}
