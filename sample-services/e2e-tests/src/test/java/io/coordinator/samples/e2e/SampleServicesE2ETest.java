package io.coordinator.samples.e2e;

import static io.coordinator.samples.e2e.LoopbackHttp.get;
import static io.coordinator.samples.e2e.LoopbackHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.coordinator.samples.inventory.InventoryApplication;
import io.coordinator.samples.inventory.RestockJob;
import io.coordinator.samples.inventory.StockService;
import io.coordinator.samples.order.OrderApplication;
import io.coordinator.samples.order.OrderProperties;
import io.coordinator.samples.order.Pricing;
import io.coordinator.spring.config.CoordinatorConfigChangedEvent;
import io.coordinator.spring.discovery.CoordinatorServiceCache;
import io.coordinator.spring.leader.Leadership;
import io.coordinator.spring.registration.CoordinatorRegistrationEvent;
import io.coordinator.spring.test.Closing;
import io.coordinator.spring.test.CoordinatorServerProcess;
import io.coordinator.testsupport.FaultProxy;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Coordinator server (separate JVM) and several instances of both samples, in-process on random ports
 * (one instance as a separate process, to be killed). Measured latencies are printed with the prefix MEASURED.
 */
@Timeout(240)
class SampleServicesE2ETest {
    static final String SESSION_TIMEOUT = "4s";
    static CoordinatorServerProcess server;
    static CuratorFramework admin;

    @BeforeAll
    static void start() throws Exception {
        server = CoordinatorServerProcess.start();
        admin = CuratorFrameworkFactory.newClient(server.connectString(), new RetryOneTime(200));
        admin.start();
        admin.blockUntilConnected(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.closeAll(admin, server);
    }

    static List<String> common(String connect, String id) {
        return common(connect, id, SESSION_TIMEOUT);
    }

    static List<String> common(String connect, String id, String sessionTimeout) {
        return common(0, connect, id, sessionTimeout);
    }

    /** A sample instance's arguments: on loopback, registered under {@code id}, logging little. */
    static List<String> common(int port, String connect, String id, String sessionTimeout) {
        return new ArrayList<>(List.of(
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--coordinator.client.connect-string=" + connect,
                "--coordinator.client.session-timeout=" + sessionTimeout,
                "--coordinator.client.registration.instance-id=" + id,
                "--coordinator.client.registration.deregister-delay=0s",
                "--logging.level.root=warn",
                "--logging.level.io.coordinator=info",
                "--spring.main.banner-mode=off"));
    }

    static ConfigurableApplicationContext inventory(String id, String connect, String... extra) {
        List<String> args = common(connect, id);
        args.addAll(List.of("--inventory.restock.interval=200ms", "--inventory.log-runs=true"));
        args.addAll(List.of(extra));
        return InventoryApplication.builder().run(args.toArray(new String[0]));
    }

    static ConfigurableApplicationContext inventory(String id) {
        return inventory(id, server.connectString());
    }

    static ConfigurableApplicationContext order(String id) {
        return OrderApplication.builder().run(common(server.connectString(), id).toArray(new String[0]));
    }

    static int port(ConfigurableApplicationContext ctx) {
        return Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));
    }

    static Set<String> instancesSeenBy(ConfigurableApplicationContext caller, String service) {
        Set<String> ids = new HashSet<>();
        for (ServiceInstance si : caller.getBean(DiscoveryClient.class).getInstances(service)) {
            ids.add(si.getInstanceId());
        }
        return ids;
    }

    static void closeAll(ConfigurableApplicationContext... contexts) {
        for (ConfigurableApplicationContext c : contexts) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void discoveryByNameThroughTheLoadBalancer() throws Exception {
        ConfigurableApplicationContext a = inventory("lb-inv-a");
        ConfigurableApplicationContext b = inventory("lb-inv-b");
        ConfigurableApplicationContext o = order("lb-order");
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> instancesSeenBy(o, "inventory-service").containsAll(Set.of("lb-inv-a", "lb-inv-b")));
            Set<String> answered = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = get(port(o), "/orders/route");
                assertThat(r.statusCode()).isEqualTo(200);
                answered.add(r.body());
            }
            assertThat(answered).containsExactlyInAnyOrder("lb-inv-a", "lb-inv-b");
            HttpResponse<String> order = post(port(o), "/orders?sku=lb-sku&quantity=3");
            assertThat(order.statusCode()).isEqualTo(200);
            assertThat(order.body()).contains("\"accepted\":true").contains("\"remaining\":97");
            assertThat(get(port(o), "/actuator/coordinator").body())
                    .contains("lb-inv-a")
                    .contains("lb-inv-b");
            assertThat(get(port(o), "/actuator/health").body())
                    .contains("\"coordinator\"")
                    .contains("UP")
                    .doesNotContain("Discovery Client not initialized");
            // LoadBalancer's own TTL cache is off: our DiscoveryClient is the (watch-driven) cache
            assertThat(o.getEnvironment().getProperty("spring.cloud.loadbalancer.cache.enabled"))
                    .isEqualTo("false");
        } finally {
            closeAll(o, a, b);
        }
    }

    @Test
    void gracefulStopDisappearsFromCallersBeforeTheHttpServerStopsAccepting() throws Exception {
        ConfigurableApplicationContext a = inventory("gs-inv-a");
        ConfigurableApplicationContext b = inventory("gs-inv-b");
        ConfigurableApplicationContext o = order("gs-order");
        Thread closer = null;
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> instancesSeenBy(o, "inventory-service").containsAll(Set.of("gs-inv-a", "gs-inv-b")));
            int bPort = port(b);
            AtomicLong deregisteredAt = new AtomicLong();
            AtomicLong goneAt = new AtomicLong();
            CountDownLatch callerNoticed = new CountDownLatch(1);
            CountDownLatch proceed = new CountDownLatch(1);
            o.getBean(CoordinatorServiceCache.class).addListener(service -> {
                if (service.equals("inventory-service")
                        && !instancesSeenBy(o, service).contains("gs-inv-b")
                        && goneAt.compareAndSet(0, System.nanoTime())) {
                    callerNoticed.countDown();
                }
            });
            // hold b's shutdown right after its deregistration until the test has looked at its HTTP port
            b.addApplicationListener((ApplicationListener<CoordinatorRegistrationEvent>) e -> {
                if (!e.registered()) {
                    deregisteredAt.set(System.nanoTime());
                    try {
                        proceed.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            closer = new Thread(b::close, "close-b");
            long closeCalledAt = System.nanoTime();
            closer.start();
            assertThat(callerNoticed.await(30, TimeUnit.SECONDS)).isTrue();
            // the caller no longer routes to b ...
            for (int i = 0; i < 10; i++) {
                assertThat(get(port(o), "/orders/route").body()).isEqualTo("gs-inv-a");
            }
            // ... while b still accepts and answers HTTP requests
            HttpResponse<String> stillServing = get(bPort, "/whoami");
            assertThat(stillServing.statusCode()).isEqualTo(200);
            assertThat(stillServing.body()).isEqualTo("gs-inv-b");
            System.out.printf(
                    "MEASURED close() called -> gone from caller's cache: %.1f ms"
                            + " (node delete confirmed to b %.1f ms after close(); caller's event %.1f ms after that)%n",
                    (goneAt.get() - closeCalledAt) / 1e6,
                    (deregisteredAt.get() - closeCalledAt) / 1e6,
                    (goneAt.get() - deregisteredAt.get()) / 1e6);
            proceed.countDown();
            closer.join(60_000);
            assertThat(closer.isAlive()).isFalse();
            assertThatThrownBy(() -> get(bPort, "/whoami")).isInstanceOf(IOException.class);
        } finally {
            if (closer != null) {
                closer.join(60_000);
            }
            closeAll(o, a, b);
        }
    }

    @Test
    void aKilledInstanceDisappearsWithinItsSessionTimeout() throws Exception {
        ConfigurableApplicationContext o = order("kill-order");
        Process p = null;
        try {
            String java =
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(
                    java,
                    "-Xmx256m",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    InventoryApplication.class.getName()));
            cmd.addAll(common(server.connectString(), "kill-inv"));
            // like the in-process instances, keep the local copies where the build says (target/), not in ~
            String copies = System.getProperty("coordinator.client.config.local-copy");
            if (copies != null) {
                cmd.add("--coordinator.client.config.local-copy=" + copies);
            }
            String discoveryCopies = System.getProperty("coordinator.client.discovery.local-copy");
            if (discoveryCopies != null) {
                cmd.add("--coordinator.client.discovery.local-copy=" + discoveryCopies);
            }
            p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Process proc = p;
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                assertThat(proc.isAlive()).isTrue();
                return instancesSeenBy(o, "inventory-service").contains("kill-inv");
            });
            AtomicLong goneAt = new AtomicLong();
            CountDownLatch gone = new CountDownLatch(1);
            o.getBean(CoordinatorServiceCache.class).addListener(service -> {
                if (!instancesSeenBy(o, "inventory-service").contains("kill-inv")
                        && goneAt.compareAndSet(0, System.nanoTime())) {
                    gone.countDown();
                }
            });
            long killedAt = System.nanoTime();
            p.destroyForcibly(); // SIGKILL: no deregistration, no session close
            assertThat(gone.await(60, TimeUnit.SECONDS)).isTrue();
            System.out.printf(
                    "MEASURED kill -9 -> gone from caller's cache: %.1f ms (session timeout %s)%n",
                    (goneAt.get() - killedAt) / 1e6, SESSION_TIMEOUT);
        } finally {
            if (p != null) {
                p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
            closeAll(o);
        }
    }

    @Test
    void aConfigChangeReachesValueFieldsAndConfigurationPropertiesInAllInstances() throws Exception {
        ConfigurableApplicationContext o1 = order("cfg-order-1");
        ConfigurableApplicationContext o2 = order("cfg-order-2");
        try {
            Map<String, Long> seenAt = new ConcurrentHashMap<>();
            CountDownLatch both = new CountDownLatch(2);
            for (ConfigurableApplicationContext o : List.of(o1, o2)) {
                String id = o.getEnvironment().getProperty("coordinator.client.registration.instance-id");
                o.addApplicationListener((ApplicationListener<CoordinatorConfigChangedEvent>) e -> {
                    if (e.keys().contains("orders.discount-rate")
                            && seenAt.putIfAbsent(id, System.nanoTime()) == null) {
                        both.countDown();
                    }
                });
                assertThat(o.getBean(Pricing.class).discountRate()).isEqualTo(0.0);
            }
            long writtenAt = System.nanoTime();
            admin.create()
                    .orSetData()
                    .creatingParentsIfNeeded()
                    .forPath("/config/order-service/orders.discount-rate", "0.25".getBytes(StandardCharsets.UTF_8));
            assertThat(both.await(30, TimeUnit.SECONDS)).isTrue();
            for (ConfigurableApplicationContext o : List.of(o1, o2)) {
                assertThat(o.getBean(Pricing.class).discountRate()).isEqualTo(0.25);
                assertThat(o.getBean(OrderProperties.class).getDiscountRate()).isEqualTo(0.25);
                assertThat(get(port(o), "/orders/settings").body()).contains("\"discountRate\":0.25");
            }
            long slowest =
                    seenAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            System.out.printf(
                    "MEASURED config write -> applied in all %d instances: %.1f ms%n",
                    seenAt.size(), (slowest - writtenAt) / 1e6);

            // a feature flag in the shared context, as a whole .properties document
            admin.create()
                    .orSetData()
                    .creatingParentsIfNeeded()
                    .forPath(
                            "/config/application/flags.properties",
                            "orders.express-enabled=true\n".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> o1.getBean(Pricing.class).expressEnabled()
                            && o2.getBean(Pricing.class).expressEnabled()
                            && o1.getBean(OrderProperties.class).isExpressEnabled()
                            && o2.getBean(OrderProperties.class).isExpressEnabled());
        } finally {
            admin.delete().quietly().forPath("/config/order-service/orders.discount-rate");
            admin.delete().quietly().forPath("/config/application/flags.properties");
            closeAll(o1, o2);
        }
    }

    @Test
    void theLockIsNeverHeldByTwoInstancesUnderContention() throws Exception {
        List<ConfigurableApplicationContext> inv =
                List.of(inventory("lock-a"), inventory("lock-b"), inventory("lock-c"));
        try {
            assertReservationsAreExclusive(inv, "contended", 90, 12, 10);
        } finally {
            closeAll(inv.toArray(new ConfigurableApplicationContext[0]));
        }
    }

    /**
     * Sends {@code calls} concurrent reservations of one unit of {@code sku} (from 100), spread over the
     * instances, and asserts the lock held: every call accepted with a fencing token of its own, no instance saw a
     * conflicting or stale write, and {@code left} units remain.
     */
    static void assertReservationsAreExclusive(
            List<ConfigurableApplicationContext> inv, String sku, int calls, int threads, int left) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                int port = port(inv.get(i % inv.size()));
                replies.add(pool.submit(() -> post(port, "/stock/" + sku + "/reserve?quantity=1")));
            }
            Set<String> tokens = new HashSet<>();
            for (Future<HttpResponse<String>> f : replies) {
                HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("\"accepted\":true");
                tokens.add(r.body().replaceAll(".*\"fencingToken\":(\\d+).*", "$1"));
            }
            assertThat(tokens).hasSize(calls);
            assertThat(inv.get(0).getBean(StockService.class).quantity(sku)).isEqualTo(left);
            for (ConfigurableApplicationContext c : inv) {
                assertThat(c.getBean(StockService.class).conflicts()).isZero();
                assertThat(c.getBean(StockService.class).staleTokens()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Instance ids of the restock runs recorded so far, in the order the server saw them. */
    static List<String> restockLog() throws Exception {
        if (admin.checkExists().forPath(RestockJob.LOG) == null) {
            return List.of();
        }
        List<String> children = new ArrayList<>(admin.getChildren().forPath(RestockJob.LOG));
        children.sort(null);
        List<String> out = new ArrayList<>();
        for (String c : children) {
            out.add(new String(admin.getData().forPath(RestockJob.LOG + "/" + c), StandardCharsets.UTF_8)
                    .split(";")[0]);
        }
        return out;
    }

    static void clearRestockLog() throws Exception {
        admin.delete().quietly().deletingChildrenIfNeeded().forPath(RestockJob.LOG);
    }

    @Test
    void theLeaderJobRunsOnExactlyOneInstanceAndMovesWhenItStops() throws Exception {
        clearRestockLog();
        Map<String, ConfigurableApplicationContext> inv = new java.util.LinkedHashMap<>();
        for (String id : List.of("lead-a", "lead-b", "lead-c")) {
            inv.put(id, inventory(id));
        }
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> restockLog().size() >= 5);
            String leader = inv.get("lead-a").getBean(Leadership.class).leaderOf(RestockJob.GROUP);
            assertThat(leader).isIn(inv.keySet());
            assertThat(restockLog()).containsOnly(leader);
            for (Map.Entry<String, ConfigurableApplicationContext> e : inv.entrySet()) {
                assertThat(e.getValue().getBean(Leadership.class).leaderOf(RestockJob.GROUP))
                        .isEqualTo(leader);
                if (!e.getKey().equals(leader)) {
                    assertThat(e.getValue().getBean(RestockJob.class).runs()).isZero();
                }
            }
            // Counted once the leader is closed: a run it started before may still log itself until its session
            // closes (the run's fenced write is ordered before the closeSession); none can after.
            inv.remove(leader).close();
            int before = restockLog().size();
            await().atMost(Duration.ofSeconds(30)).until(() -> restockLog().size() >= before + 5);
            List<String> runs = restockLog();
            List<String> after = runs.subList(before, runs.size());
            String next = after.get(0);
            assertThat(next).isNotEqualTo(leader).isIn(inv.keySet());
            assertThat(after).containsOnly(next);
            String remaining = inv.keySet().stream()
                    .filter(k -> !k.equals(next))
                    .findFirst()
                    .orElseThrow();
            assertThat(inv.get(remaining).getBean(RestockJob.class).runs()).isZero();
        } finally {
            closeAll(inv.values().toArray(new ConfigurableApplicationContext[0]));
        }
    }

    @Test
    void aSessionExpiryLeadsToReRegistrationAndNoDoubleLeader() throws Exception {
        clearRestockLog();
        FaultProxy proxy = new FaultProxy(server.port());
        ConfigurableApplicationContext a = inventory("exp-a", proxy.connectString());
        ConfigurableApplicationContext b = null;
        ConfigurableApplicationContext o = order("exp-order");
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> a.getBean(Leadership.class).isLeader(RestockJob.GROUP));
            b = inventory("exp-b");
            ConfigurableApplicationContext bb = b;
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> instancesSeenBy(o, "inventory-service").containsAll(Set.of("exp-a", "exp-b")));
            long oldSession = a.getBean(CuratorFramework.class)
                    .getZookeeperClient()
                    .getZooKeeper()
                    .getSessionId();

            proxy.partition(); // a is cut off until the server expires its session
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !instancesSeenBy(o, "inventory-service").contains("exp-a")
                            && bb.getBean(Leadership.class).isLeader(RestockJob.GROUP));
            await().atMost(Duration.ofSeconds(30)).until(() -> restockLog().contains("exp-b"));
            proxy.heal();

            // a comes back with a new session, registered again, and as a follower
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> instancesSeenBy(o, "inventory-service").contains("exp-a"));
            long newSession = a.getBean(CuratorFramework.class)
                    .getZookeeperClient()
                    .getZooKeeper()
                    .getSessionId();
            assertThat(newSession).isNotEqualTo(oldSession);
            Stat stat = admin.checkExists().forPath("/services/inventory-service/exp-a");
            assertThat(stat).isNotNull();
            assertThat(stat.getEphemeralOwner()).isEqualTo(newSession);
            assertThat(a.getBean(Leadership.class).isLeader(RestockJob.GROUP)).isFalse();
            int mark = restockLog().size();
            await().atMost(Duration.ofSeconds(30)).until(() -> restockLog().size() >= mark + 3);

            // never two leaders: once b's first run is recorded, every later run is b's
            List<String> runs = restockLog();
            int firstB = runs.indexOf("exp-b");
            assertThat(runs.subList(0, firstB)).containsOnly("exp-a");
            assertThat(runs.subList(firstB, runs.size())).containsOnly("exp-b");
            System.out.printf(
                    "MEASURED session expiry: runs of the old leader fenced out after it lost leadership: %d%n",
                    a.getBean(RestockJob.class).fencedOut());
        } finally {
            closeAll(o, a, b);
            proxy.close();
        }
    }
}
