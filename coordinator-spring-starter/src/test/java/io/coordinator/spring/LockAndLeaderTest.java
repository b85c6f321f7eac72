package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
import io.coordinator.spring.leader.CoordinatorLeaderAutoConfiguration;
import io.coordinator.spring.leader.LeaderOnly;
import io.coordinator.spring.leader.Leadership;
import io.coordinator.spring.leader.LeadershipChangedEvent;
import io.coordinator.spring.lock.CoordinatorLockAutoConfiguration;
import io.coordinator.spring.lock.DistributedLock;
import io.coordinator.spring.lock.DistributedLocks;
import io.coordinator.spring.lock.LockHandle;
import io.coordinator.spring.lock.LockNotAcquiredException;
import io.coordinator.spring.test.CoordinatorServerExtension;
import io.coordinator.testsupport.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

@Timeout(180)
class LockAndLeaderTest {
    @RegisterExtension
    static final CoordinatorServerExtension server = new CoordinatorServerExtension();

    /** Shared by the instances of one test: who is inside the critical section right now. */
    static final AtomicInteger inside = new AtomicInteger();

    static final AtomicInteger maxInside = new AtomicInteger();

    public static class Guarded {
        final List<Long> tokens = new CopyOnWriteArrayList<>();
        final AtomicInteger leaderRuns = new AtomicInteger();

        public List<Long> tokens() {
            return tokens;
        }

        @DistributedLock(key = "'stock-' + #sku", waitTime = 20, timeUnit = TimeUnit.SECONDS)
        public int reserve(String sku) {
            int now = inside.incrementAndGet();
            maxInside.accumulateAndGet(now, Math::max);
            tokens.add(DistributedLocks.current().fencingToken());
            Thread.yield();
            inside.decrementAndGet();
            return now;
        }

        @DistributedLock(key = "#p0")
        public long outer(String key) {
            long t = DistributedLocks.current().fencingToken();
            return inner(key) == t ? t : -1; // self-invocation is not proxied; the API is reentrant though
        }

        long inner(String key) {
            return DistributedLocks.current().fencingToken();
        }

        @DistributedLock(key = "'busy'", onTimeout = DistributedLock.OnTimeout.SKIP)
        public String trySkip() {
            return "ran";
        }

        @DistributedLock(key = "'busy'")
        public String tryThrow() {
            return "ran";
        }

        @LeaderOnly(value = "jobs", whenNotLeader = LeaderOnly.WhenNotLeader.THROW)
        public String strictJob() {
            return "ran";
        }

        @LeaderOnly("jobs")
        public boolean job() {
            leaderRuns.incrementAndGet();
            return true;
        }
    }

    public static class Events implements ApplicationListener<LeadershipChangedEvent> {
        final List<LeadershipChangedEvent> seen = new CopyOnWriteArrayList<>();

        public List<LeadershipChangedEvent> seen() {
            return seen;
        }

        @Override
        public void onApplicationEvent(LeadershipChangedEvent event) {
            seen.add(event);
        }
    }

    private ConfigurableApplicationContext instance(String id) {
        return instance(id, server.connectString());
    }

    private ConfigurableApplicationContext instance(String id, String connectString) {
        org.springframework.context.annotation.AnnotationConfigApplicationContext ctx =
                new org.springframework.context.annotation.AnnotationConfigApplicationContext();
        org.springframework.boot.test.util.TestPropertyValues.of(
                        "coordinator.client.connect-string=" + connectString,
                        "coordinator.client.session-timeout=4s",
                        "coordinator.client.registration.instance-id=" + id)
                .applyTo(ctx);
        ctx.register(
                CoordinatorClientAutoConfiguration.class,
                CoordinatorLockAutoConfiguration.class,
                CoordinatorLeaderAutoConfiguration.class,
                Guarded.class,
                Events.class);
        ctx.refresh();
        return ctx;
    }

    @Test
    void lockIsNeverHeldTwiceAndTokensGrow() throws Exception {
        inside.set(0);
        maxInside.set(0);
        List<ConfigurableApplicationContext> instances = List.of(instance("a"), instance("b"), instance("c"));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                Guarded g = instances.get(i % 3).getBean(Guarded.class);
                calls.add(pool.submit(() -> g.reserve("sku-1")));
            }
            for (Future<Integer> f : calls) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(1);
            }
            assertThat(maxInside.get()).isEqualTo(1);
            List<Long> all = new ArrayList<>();
            instances.forEach(c -> all.addAll(c.getBean(Guarded.class).tokens()));
            assertThat(all).hasSize(60).doesNotHaveDuplicates().allMatch(t -> t > 0);
        } finally {
            pool.shutdownNow();
            instances.forEach(ConfigurableApplicationContext::close);
        }
    }

    @Test
    void reentrantSkipOrThrowAndLostOnSessionExpiry() throws Exception {
        try (ConfigurableApplicationContext a = instance("a");
                ConfigurableApplicationContext b = instance("b")) {
            Guarded ga = a.getBean(Guarded.class);
            assertThat(ga.outer("re")).isPositive();
            DistributedLocks locksA = a.getBean(DistributedLocks.class);
            LockHandle outer = locksA.tryAcquire("re2", Duration.ZERO);
            LockHandle inner = locksA.tryAcquire("re2", Duration.ZERO); // same thread: reentrant
            assertThat(inner).isNotNull();
            assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken());
            locksA.release(inner);
            locksA.release(outer);

            // b holds 'busy' on another thread; a skips or throws
            DistributedLocks locksB = b.getBean(DistributedLocks.class);
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                LockHandle h = locksB.tryAcquire("busy", Duration.ZERO);
                held.countDown();
                try {
                    done.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                locksB.release(h);
            });
            holder.start();
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ga.trySkip()).isNull();
            assertThatThrownBy(ga::tryThrow).isInstanceOf(LockNotAcquiredException.class);
            done.countDown();
            holder.join(30_000);
            assertThat(ga.trySkip()).isEqualTo("ran");

            // a lock held across a forced session expiry is reported lost, and others can take it
            LockHandle h = locksA.tryAcquire("expiring", Duration.ZERO);
            CountDownLatch lost = new CountDownLatch(1);
            h.onLost(lost::countDown);
            ZooKeeper zk =
                    a.getBean(CuratorFramework.class).getZookeeperClient().getZooKeeper();
            server.expireSession(zk.getSessionId(), zk.getSessionPasswd());
            assertThat(lost.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(h.isHeld()).isFalse();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                LockHandle other = locksB.tryAcquire("expiring", Duration.ZERO);
                if (other == null) {
                    return false;
                }
                locksB.release(other);
                return true;
            });
            locksA.release(h); // releasing a lost lock is harmless
        }
    }

    @Test
    void oneLeaderPerGroupMovesOnStopAndSurvivesSessionExpiryWithoutDoubleLeader() throws Exception {
        FaultProxy proxy = new FaultProxy(server.port());
        ConfigurableApplicationContext a = instance("leader-a", proxy.connectString());
        Leadership la = a.getBean(Leadership.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> la.isLeader("jobs"));
        ConfigurableApplicationContext b = instance("leader-b");
        try {
            Leadership lb = b.getBean(Leadership.class);
            lb.join("jobs");
            assertThat(la.leaderOf("jobs")).isEqualTo("leader-a");
            assertThat(lb.leaderOf("jobs")).isEqualTo("leader-a");
            assertThat(lb.isLeader("jobs")).isFalse();
            assertThat(a.getBean(Guarded.class).job()).isTrue();
            assertThat(b.getBean(Guarded.class).job()).isFalse();
            assertThat(a.getBean(Guarded.class).strictJob()).isEqualTo("ran");
            assertThatThrownBy(() -> b.getBean(Guarded.class).strictJob())
                    .isInstanceOf(io.coordinator.spring.leader.NotLeaderException.class);
            long oldToken = la.fencingToken("jobs");
            assertThat(oldToken).isPositive();
            assertThat(a.getBean(Events.class).seen())
                    .anyMatch(e -> e.isLeader() && e.group().equals("jobs"));

            // partition the leader until its session expires: it must step down before anyone else leads
            AtomicInteger doubleLeader = new AtomicInteger();
            CountDownLatch bElected = new CountDownLatch(1);
            b.addApplicationListener((ApplicationListener<LeadershipChangedEvent>) e -> {
                if (e.isLeader()) {
                    if (la.isLeader("jobs")) {
                        doubleLeader.incrementAndGet();
                    }
                    bElected.countDown();
                }
            });
            proxy.partition();
            assertThat(bElected.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(doubleLeader.get()).isZero();
            assertThat(lb.fencingToken("jobs")).isGreaterThan(oldToken);
            assertThat(a.getBean(Events.class).seen()).anyMatch(e -> !e.isLeader());
            proxy.heal();
            // a comes back with a new session, rejoins as a follower
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> lb.isLeader("jobs")
                            && !la.isLeader("jobs")
                            && a.getBean(CuratorFramework.class)
                                    .getZookeeperClient()
                                    .isConnected());

            // stopping the leader moves leadership back to a
            long bToken = lb.fencingToken("jobs");
            b.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> la.isLeader("jobs"));
            assertThat(la.fencingToken("jobs")).isGreaterThan(bToken);
        } finally {
            a.close();
            b.close();
            proxy.close();
        }
    }
}
