package io.coordinator.spring.curator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coordinator.spring.test.CoordinatorServerExtension;
import io.coordinator.testsupport.FaultProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryForever;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * A cache that loses its server while a node it holds is deleted and made again with the same version and cversion
 * (a service's container emptied, removed and made again by the next registration), against a real server.
 */
@Timeout(120)
class RecreationAwareStorageTest {
    @RegisterExtension
    static final CoordinatorServerExtension server = new CoordinatorServerExtension();

    /** What a cache saw: its nodes, and their data as text, by path. */
    private record Seen(Set<String> paths, Map<String, String> data) {}

    @Test
    void aNodeMadeAgainDuringAnOutageIsReadAgainWithItsChildrenAndData() throws Throwable {
        outageRemaking(
                "/aware",
                RecreationAwareStorage::cache,
                seen -> await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(seen.paths())
                            .containsExactlyInAnyOrder("/aware", "/aware/svc", "/aware/svc/b2", "/aware/cfg");
                    assertThat(seen.data()).containsEntry("/aware/cfg", "new");
                }));
    }

    /**
     * The same outage with CuratorCache's own storage, which never reads the new child nor the new data: it shows
     * that the outage really makes the nodes again with the numbers the cache holds (should CuratorCache one day
     * compare more than versions, this fails, and RecreationAwareStorage can go).
     */
    @Test
    void curatorsOwnStorageMissesTheNewChildAndData() throws Throwable {
        outageRemaking("/plain", CuratorCache::build, seen -> {
            // b1's deletion shows the cache read its nodes again after the reconnect; b2 and "new" never come
            await().atMost(Duration.ofSeconds(20)).until(() -> !seen.paths().contains("/plain/svc/b1"));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> !seen.paths().contains("/plain/svc/b2")
                            && "old".equals(seen.data().get("/plain/cfg")));
        });
    }

    /**
     * Fills {@code root} (a container {@code svc} with child b1, and {@code cfg} = "old"), starts a cache on it
     * through a proxy, cuts the proxy, deletes and makes again {@code svc} (now with child b2: cversion 1 again) and
     * {@code cfg} (now "new": version 0 again), heals the proxy, and once the client has reconnected runs
     * {@code check} on what the cache sees.
     */
    private static void outageRemaking(
            String root, BiFunction<CuratorFramework, String, CuratorCache> caches, ThrowingConsumer<Seen> check)
            throws Throwable {
        CuratorFramework admin = server.admin();
        admin.create().forPath(root);
        admin.create().withMode(CreateMode.CONTAINER).forPath(root + "/svc");
        admin.create().forPath(root + "/svc/b1");
        admin.create().forPath(root + "/cfg", bytes("old"));
        int oldCversion = admin.checkExists().forPath(root + "/svc").getCversion();

        Seen seen = new Seen(ConcurrentHashMap.newKeySet(), new ConcurrentHashMap<>());
        try (FaultProxy link = new FaultProxy(server.port());
                CuratorFramework client = CuratorFrameworkFactory.builder()
                        .connectString(link.connectString())
                        .sessionTimeoutMs(30_000)
                        .connectionTimeoutMs(2_000)
                        .retryPolicy(new RetryForever(100))
                        .build();
                CuratorCache cache = caches.apply(client, root)) {
            CountDownLatch initialized = new CountDownLatch(1);
            CountDownLatch reconnected = new CountDownLatch(1);
            cache.listenable()
                    .addListener(CuratorCacheListener.builder()
                            .forCreates(n -> record(seen, n))
                            .forChanges((before, n) -> record(seen, n))
                            .forDeletes(n -> {
                                seen.paths().remove(n.getPath());
                                seen.data().remove(n.getPath());
                            })
                            .forInitialized(initialized::countDown)
                            .build());
            client.getConnectionStateListenable().addListener((c, state) -> {
                if (state == ConnectionState.RECONNECTED) {
                    reconnected.countDown();
                }
            });
            client.start();
            cache.start();
            assertThat(initialized.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(seen.paths()).containsExactlyInAnyOrder(root, root + "/svc", root + "/svc/b1", root + "/cfg");

            link.partition();
            admin.delete().forPath(root + "/svc/b1");
            admin.delete().forPath(root + "/svc");
            admin.create().withMode(CreateMode.CONTAINER).forPath(root + "/svc");
            admin.create().forPath(root + "/svc/b2");
            admin.delete().forPath(root + "/cfg");
            admin.create().forPath(root + "/cfg", bytes("new"));
            assertThat(admin.checkExists().forPath(root + "/svc").getCversion()).isEqualTo(oldCversion);
            assertThat(admin.checkExists().forPath(root + "/cfg").getVersion()).isZero();
            link.heal();

            assertThat(reconnected.await(30, TimeUnit.SECONDS)).isTrue();
            check.accept(seen);
        } finally {
            for (String p : List.of(root + "/svc/b2", root + "/svc", root + "/cfg", root)) {
                admin.delete().quietly().forPath(p);
            }
        }
    }

    private static void record(Seen seen, ChildData node) {
        seen.paths().add(node.getPath());
        seen.data().put(node.getPath(), new String(node.getData(), StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
