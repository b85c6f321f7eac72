package io.coordinator.samples.e2e;

import static io.coordinator.samples.e2e.LoopbackHttp.get;
import static io.coordinator.samples.e2e.LoopbackHttp.post;
import static io.coordinator.samples.e2e.SampleServicesE2ETest.assertReservationsAreExclusive;
import static io.coordinator.samples.e2e.SampleServicesE2ETest.closeAll;
import static io.coordinator.samples.e2e.SampleServicesE2ETest.common;
import static io.coordinator.samples.e2e.SampleServicesE2ETest.instancesSeenBy;
import static io.coordinator.samples.e2e.SampleServicesE2ETest.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coordinator.samples.inventory.InventoryApplication;
import io.coordinator.samples.inventory.RestockJob;
import io.coordinator.samples.order.OrderApplication;
import io.coordinator.samples.order.OrderProperties;
import io.coordinator.samples.order.Pricing;
import io.coordinator.spring.config.CoordinatorConfigChangedEvent;
import io.coordinator.spring.discovery.CoordinatorServiceCache;
import io.coordinator.spring.leader.Leadership;
import io.coordinator.spring.leader.LeadershipChangedEvent;
import io.coordinator.spring.test.CoordinatorEnsembleProcess;
import io.coordinator.testsupport.Member;
import io.coordinator.testsupport.ServerEnsemble;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The samples against a real 3-member ensemble (three server JVMs), every instance given all three addresses.
 * One ensemble and one set of instances (2 inventory, 2 order) for the class; the tests run in order and each
 * leaves all members running. Measured times are printed with the prefix MEASURED.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleServicesEnsembleE2ETest {
    /** Longer than a leader election plus a reconnection, so sessions survive the failure of any one member. */
    static final String SESSION_TIMEOUT = "8s";

    static final String INVENTORY = "inventory-service";

    static ServerEnsemble ensemble;
    static CuratorFramework admin;
    static final Map<String, ConfigurableApplicationContext> inventories = new LinkedHashMap<>();
    static final Map<String, ConfigurableApplicationContext> orders = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        ensemble = CoordinatorEnsembleProcess.launch(3);
        admin = CuratorFrameworkFactory.newClient(ensemble.connectString(), new ExponentialBackoffRetry(100, 10, 1000));
        admin.start();
        assertThat(admin.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
        admin.delete().quietly().deletingChildrenIfNeeded().forPath(RestockJob.LOG);
        for (String id : List.of("ens-inv-a", "ens-inv-b")) {
            List<String> args = common(ensemble.connectString(), id, SESSION_TIMEOUT);
            args.addAll(List.of("--inventory.restock.interval=200ms", "--inventory.log-runs=true"));
            inventories.put(id, InventoryApplication.builder().run(args.toArray(new String[0])));
        }
        for (String id : List.of("ens-order-1", "ens-order-2")) {
            orders.put(
                    id,
                    OrderApplication.builder()
                            .run(common(ensemble.connectString(), id, SESSION_TIMEOUT)
                                    .toArray(new String[0])));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            closeAll(orders.values().toArray(new ConfigurableApplicationContext[0]));
            closeAll(inventories.values().toArray(new ConfigurableApplicationContext[0]));
            if (admin != null) {
                admin.close();
            }
        } finally {
            if (ensemble != null) {
                ensemble.close();
            }
        }
    }

    static List<ConfigurableApplicationContext> all() {
        List<ConfigurableApplicationContext> out = new ArrayList<>(inventories.values());
        out.addAll(orders.values());
        return out;
    }

    static String id(ConfigurableApplicationContext ctx) {
        return ctx.getEnvironment().getProperty("coordinator.client.registration.instance-id");
    }

    static ZooKeeper zk(ConfigurableApplicationContext ctx) throws Exception {
        return ctx.getBean(CuratorFramework.class).getZookeeperClient().getZooKeeper();
    }

    static String registrationPath(ConfigurableApplicationContext ctx) {
        return "/services/" + ctx.getEnvironment().getProperty("spring.application.name") + "/" + id(ctx);
    }

    /** The leader job's recorded runs in server order: [instance id, fencing token]. */
    static List<String[]> restockRuns() throws Exception {
        if (admin.checkExists().forPath(RestockJob.LOG) == null) {
            return List.of();
        }
        List<String> children = new ArrayList<>(admin.getChildren().forPath(RestockJob.LOG));
        children.sort(null);
        List<String[]> out = new ArrayList<>();
        for (String c : children) {
            out.add(new String(admin.getData().forPath(RestockJob.LOG + "/" + c), StandardCharsets.UTF_8).split(";"));
        }
        return out;
    }

    /**
     * No two leaders, ever: in server order the fencing tokens never go back (a deposed leader's late run would
     * carry an older token) and each token belongs to one instance.
     */
    static void assertRunsNeverOverlap() throws Exception {
        List<String[]> runs = restockRuns();
        Map<Long, String> owner = new HashMap<>();
        long last = 0;
        for (String[] run : runs) {
            long token = Long.parseLong(run[1]);
            assertThat(token)
                    .as("run of %s after a run with token %d", run[0], last)
                    .isGreaterThanOrEqualTo(last);
            assertThat(owner.computeIfAbsent(token, t -> run[0])).isEqualTo(run[0]);
            last = token;
        }
    }

    static void setDiscountRate(String value) throws Exception {
        admin.create()
                .orSetData()
                .creatingParentsIfNeeded()
                .forPath("/config/order-service/orders.discount-rate", value.getBytes(StandardCharsets.UTF_8));
    }

    /** Failover rounds so far: each writes its own discount rate. */
    private static final AtomicInteger failovers = new AtomicInteger();

    /** Writes a new discount rate; returns ms until every order instance applied it (fields and bean). */
    static double configRoundTrip(double rate) throws Exception {
        for (ConfigurableApplicationContext o : orders.values()) {
            // the same value again would be no change, and no instance would report one
            assertThat(o.getBean(Pricing.class).discountRate())
                    .as("rate before")
                    .isNotEqualTo(rate);
        }
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        List<ApplicationListener<CoordinatorConfigChangedEvent>> listeners = new ArrayList<>();
        for (ConfigurableApplicationContext o : orders.values()) {
            String id = id(o);
            ApplicationListener<CoordinatorConfigChangedEvent> l = e -> {
                if (e.keys().contains("orders.discount-rate")
                        && o.getBean(Pricing.class).discountRate() == rate) {
                    seenAt.putIfAbsent(id, System.nanoTime());
                }
            };
            o.addApplicationListener(l);
            listeners.add(l);
        }
        long writtenAt = System.nanoTime();
        setDiscountRate(Double.toString(rate));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(seenAt.keySet())
                        .as("order instances that applied %s", rate)
                        .containsExactlyInAnyOrderElementsOf(orders.keySet()));
        for (ConfigurableApplicationContext o : orders.values()) {
            assertThat(o.getBean(Pricing.class).discountRate()).isEqualTo(rate);
            assertThat(o.getBean(OrderProperties.class).getDiscountRate()).isEqualTo(rate);
            assertThat(get(port(o), "/orders/settings").body()).contains("\"discountRate\":" + rate);
        }
        return (seenAt.values().stream().mapToLong(Long::longValue).max().orElseThrow() - writtenAt) / 1e6;
    }

    @Test
    @Order(1)
    void theSamplesWorkAgainstTheEnsemble() throws Exception {
        ConfigurableApplicationContext o1 = orders.get("ens-order-1");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> instancesSeenBy(o1, INVENTORY).containsAll(inventories.keySet()));
        Map<String, Integer> members = new LinkedHashMap<>();
        for (ConfigurableApplicationContext c : all()) {
            members.put(id(c), CoordinatorEnsembleProcess.memberOf(ensemble, zk(c)));
        }
        System.out.println("MEASURED ensemble: instances connected to members " + members);

        // discovery by name through the load balancer
        Set<String> answered = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = get(port(o1), "/orders/route");
            assertThat(r.statusCode()).isEqualTo(200);
            answered.add(r.body());
        }
        assertThat(answered).containsExactlyInAnyOrderElementsOf(inventories.keySet());

        // a config change reaches @Value fields and @ConfigurationProperties in every instance
        System.out.printf(
                "MEASURED ensemble config write -> applied in all %d order instances: %.1f ms%n",
                orders.size(), configRoundTrip(0.25));

        // the lock is never held twice: concurrent reservations from both inventory instances
        assertReservationsAreExclusive(new ArrayList<>(inventories.values()), "ens-contended", 40, 8, 60);

        // the leader job runs on exactly one instance, the one every instance names as leader
        await().atMost(Duration.ofSeconds(30)).until(() -> restockRuns().size() >= 5);
        String leader = o1.getBean(Leadership.class).leaderOf(RestockJob.GROUP);
        assertThat(leader).isIn(inventories.keySet());
        assertThat(restockRuns()).extracting(r -> r[0]).containsOnly(leader);
        for (Map.Entry<String, ConfigurableApplicationContext> e : inventories.entrySet()) {
            assertThat(e.getValue().getBean(Leadership.class).leaderOf(RestockJob.GROUP))
                    .isEqualTo(leader);
            assertThat(e.getValue().getBean(RestockJob.class).runs() > 0)
                    .isEqualTo(e.getKey().equals(leader));
        }
        assertRunsNeverOverlap();
    }

    @Test
    @Order(2)
    void killingTheMemberTheLeaderInstanceUsesKeepsSessionsRegistrationsAndOneLeader() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> restockRuns().size() >= 1);
        String leader = orders.get("ens-order-1").getBean(Leadership.class).leaderOf(RestockJob.GROUP);
        int member = CoordinatorEnsembleProcess.memberOf(ensemble, zk(inventories.get(leader)));
        assertThat(member).isPositive();
        failover(
                member,
                "member used by the leader instance ("
                        + (member == ensemble.leaderId() ? "the ZAB leader" : "a follower") + ")");
    }

    @Test
    @Order(3)
    void killingTheEnsembleLeaderKeepsSessionsRegistrationsAndOneLeader() throws Exception {
        int zabLeader = ensemble.leaderId();
        assertThat(zabLeader).isPositive();
        failover(zabLeader, "the ZAB leader");
    }

    /**
     * SIGKILLs one member and proves: every instance keeps its session and its registration node (same
     * ephemeral, never missing from callers), the leader job keeps running on one instance at a time, and
     * configuration still refreshes. Then starts the member again.
     */
    private void failover(int member, String what) throws Exception {
        ConfigurableApplicationContext o1 = orders.get("ens-order-1");
        Map<String, Long> sessions = new HashMap<>();
        Map<String, Stat> registrations = new HashMap<>();
        for (ConfigurableApplicationContext c : all()) {
            sessions.put(id(c), zk(c).getSessionId());
            registrations.put(id(c), admin.checkExists().forPath(registrationPath(c)));
            assertThat(registrations.get(id(c))).isNotNull();
        }
        AtomicBoolean inventoryMissing = new AtomicBoolean();
        java.util.function.Consumer<String> watch = service -> {
            if (service.equals(INVENTORY) && !instancesSeenBy(o1, INVENTORY).containsAll(inventories.keySet())) {
                inventoryMissing.set(true);
            }
        };
        o1.getBean(CoordinatorServiceCache.class).addListener(watch);
        AtomicLong electedAt = new AtomicLong();
        List<String> newLeaders = new CopyOnWriteArrayList<>();
        for (ConfigurableApplicationContext inv : inventories.values()) {
            inv.addApplicationListener((ApplicationListener<LeadershipChangedEvent>) e -> {
                if (e.group().equals(RestockJob.GROUP) && e.isLeader() && electedAt.get() == 0) {
                    newLeaders.add(id(inv));
                    electedAt.compareAndSet(0, System.nanoTime());
                }
            });
        }
        String leaderBefore = o1.getBean(Leadership.class).leaderOf(RestockJob.GROUP);
        // Only clients of the killed member lose their connection: a member that loses its leader holds its
        // clients through the election. So the job's leader instance gives up leadership only if it used that member.
        boolean leaderDisconnected =
                CoordinatorEnsembleProcess.memberOf(ensemble, zk(inventories.get(leaderBefore))) == member;
        int runsAtKill = restockRuns().size();

        long killedAt = System.nanoTime();
        ensemble.kill(member);
        try {
            // every instance is connected again, to a surviving member, in the same session
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConfigurableApplicationContext c : all()) {
                    int now = CoordinatorEnsembleProcess.memberOf(ensemble, zk(c));
                    if (now == 0 || now == member || zk(c).getSessionId() != sessions.get(id(c))) {
                        return false;
                    }
                }
                return true;
            });
            double reconnectedMs = (System.nanoTime() - killedAt) / 1e6;
            String leaderAfter;
            double reelectedMs;
            if (leaderDisconnected) {
                // the leader instance was disconnected, so it gave up leadership; one instance has it again and runs
                // the job
                await().atMost(Duration.ofSeconds(60)).until(() -> electedAt.get() != 0);
                reelectedMs = (electedAt.get() - killedAt) / 1e6;
                leaderAfter = newLeaders.get(0);
            } else {
                // its member held its connection through the election: it kept leadership, without a gap
                reelectedMs = 0;
                leaderAfter = leaderBefore;
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> restockRuns().size() >= runsAtKill + 5);
            if (!leaderDisconnected) {
                assertThat(newLeaders)
                        .as("leadership changed hands though its holder kept its connection")
                        .isEmpty();
            }

            for (ConfigurableApplicationContext c : all()) {
                assertThat(zk(c).getSessionId()).as("session of %s", id(c)).isEqualTo(sessions.get(id(c)));
                Stat now = admin.checkExists().forPath(registrationPath(c));
                assertThat(now).as("registration of %s", id(c)).isNotNull();
                assertThat(now.getCzxid())
                        .as("same registration node of %s", id(c))
                        .isEqualTo(registrations.get(id(c)).getCzxid());
                assertThat(now.getEphemeralOwner()).isEqualTo(sessions.get(id(c)));
            }
            assertThat(inventoryMissing)
                    .as("an inventory instance went missing from a caller")
                    .isFalse();
            assertThat(instancesSeenBy(o1, INVENTORY)).containsAll(inventories.keySet());
            assertRunsNeverOverlap();
            List<String[]> runs = restockRuns();
            assertThat(runs.subList(runs.size() - 3, runs.size()))
                    .extracting(r -> r[0])
                    .containsOnly(leaderAfter);
            long leaders = inventories.values().stream()
                    .filter(c -> c.getBean(Leadership.class).isLeader(RestockJob.GROUP))
                    .count();
            assertThat(leaders).isEqualTo(1);

            double configMs = configRoundTrip(0.1 + failovers.incrementAndGet() / 100.0);
            System.out.printf(
                    "MEASURED ensemble kill -9 of %s: all instances reconnected in the same session after"
                            + " %.1f ms; leadership of the job re-confirmed after %.1f ms (0: kept) (%s, was %s); config write -> applied"
                            + " in all order instances afterwards %.1f ms; registration nodes unchanged%n",
                    what, reconnectedMs, reelectedMs, leaderAfter, leaderBefore, configMs);
        } finally {
            long restartAt = System.nanoTime();
            ensemble.start(member);
            ensemble.awaitReady(Duration.ofSeconds(90));
            System.out.printf(
                    "MEASURED ensemble member %d restarted and serving again in %.1f ms%n",
                    member, (System.nanoTime() - restartAt) / 1e6);
        }
    }

    @Test
    @Order(4)
    void aRollingRestartKeepsServicesResolvingEachOther() throws Exception {
        ConfigurableApplicationContext o1 = orders.get("ens-order-1");
        Map<String, Long> sessions = new HashMap<>();
        for (ConfigurableApplicationContext c : all()) {
            sessions.put(id(c), zk(c).getSessionId());
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        Set<String> answeredBy = ConcurrentHashMap.newKeySet();
        // a steady caller: order-1 -> inventory by name, through the whole restart
        Thread caller = new Thread(
                () -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> r = get(port(o1), "/orders/route");
                            calls.incrementAndGet();
                            if (r.statusCode() != 200) {
                                failures.add(r.statusCode() + " " + r.body());
                            } else {
                                answeredBy.add(r.body());
                            }
                            Thread.sleep(20); // pacing the load, not synchronising
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                },
                "rolling-restart-caller");
        caller.start();
        long started = System.nanoTime();
        try {
            for (Member m : ensemble.members()) {
                boolean wasLeader = ensemble.leaderId() == m.id();
                long t0 = System.nanoTime();
                ensemble.stop(m.id());
                ensemble.start(m.id());
                ensemble.awaitReady(Duration.ofSeconds(90));
                System.out.printf(
                        "MEASURED rolling restart: member %d%s back in the ensemble after %.1f ms%n",
                        m.id(), wasLeader ? " (was leader)" : "", (System.nanoTime() - t0) / 1e6);
                // writes under the lock work again, and callers and inventory see each other
                HttpResponse<String> order = post(port(o1), "/orders?sku=ens-rolling&quantity=1");
                assertThat(order.statusCode()).isEqualTo(200);
                assertThat(order.body()).contains("\"accepted\":true");
                for (ConfigurableApplicationContext o : orders.values()) {
                    assertThat(instancesSeenBy(o, INVENTORY)).containsAll(inventories.keySet());
                }
                for (ConfigurableApplicationContext i : inventories.values()) {
                    assertThat(instancesSeenBy(i, "order-service")).containsAll(orders.keySet());
                }
            }
        } finally {
            running.set(false);
            caller.interrupt();
            caller.join(30_000);
        }
        System.out.printf(
                "MEASURED rolling restart of 3 members: %.1f s, %d calls by name, %d failed%n",
                (System.nanoTime() - started) / 1e9, calls.get(), failures.size());
        assertThat(failures).isEmpty();
        assertThat(answeredBy).containsExactlyInAnyOrderElementsOf(inventories.keySet());
        for (ConfigurableApplicationContext c : all()) {
            assertThat(zk(c).getSessionId()).as("session of %s", id(c)).isEqualTo(sessions.get(id(c)));
            assertThat(admin.checkExists().forPath(registrationPath(c))).isNotNull();
        }
        assertRunsNeverOverlap();
        double configMs = configRoundTrip(0.05);
        System.out.printf(
                "MEASURED config write after the rolling restart -> applied in all order instances: %.1f ms%n",
                configMs);
    }
}
