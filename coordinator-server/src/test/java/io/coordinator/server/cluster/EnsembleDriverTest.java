package io.coordinator.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.net.PeerTransport;
import io.coordinator.server.request.PipelineConfig;
import io.coordinator.server.request.RequestPipeline;
import io.coordinator.server.request.StateMachine;
import io.coordinator.server.session.SessionIds;
import io.coordinator.server.session.SessionPasswords;
import io.coordinator.server.session.SessionTracker;
import io.coordinator.server.storage.EpochStore;
import io.coordinator.server.storage.GroupCommitLog;
import io.coordinator.server.storage.LogOptions;
import io.coordinator.server.storage.SnapshotStore;
import io.coordinator.server.storage.TxnLog;
import io.coordinator.server.tree.DataTree;
import io.coordinator.server.zab.Peer;
import io.coordinator.server.zab.PeerStatus;
import io.coordinator.server.zab.Role;
import io.coordinator.server.zab.ZabConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production driver in one process, without sockets: three members with real storage and request pipelines
 * over an in-memory {@link PeerNetwork}.
 */
class EnsembleDriverTest {
    private static final int TICK_MS = 50;

    @TempDir
    Path tmp;

    private final MemNetwork net = new MemNetwork();
    private final List<Member> members = new ArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    /** Frames go straight to the peer's receiver (which only decodes and queues); an isolated member's are lost. */
    private static final class MemNetwork {
        final Map<Integer, PeerTransport.Receiver> quorum = new ConcurrentHashMap<>();
        final Map<Integer, PeerTransport.Receiver> election = new ConcurrentHashMap<>();
        final Set<Integer> isolated = ConcurrentHashMap.newKeySet();

        PeerNetwork of(int id) {
            return new PeerNetwork() {
                @Override
                public PeerTransport quorum(PeerTransport.Receiver receiver, int maxMessageBytes) {
                    return link(id, receiver, quorum);
                }

                @Override
                public PeerTransport election(PeerTransport.Receiver receiver) {
                    return link(id, receiver, election);
                }
            };
        }

        private PeerTransport link(int me, PeerTransport.Receiver receiver, Map<Integer, PeerTransport.Receiver> all) {
            return new PeerTransport() {
                @Override
                public void start() {
                    all.put(me, receiver);
                }

                @Override
                public void stop() {
                    all.remove(me);
                }

                @Override
                public void send(int peerId, byte[] payload) {
                    PeerTransport.Receiver to = all.get(peerId);
                    if (to != null && isConnected(peerId)) {
                        to.onMessage(me, payload);
                    }
                }

                @Override
                public boolean isConnected(int peerId) {
                    return all.containsKey(peerId) && !isolated.contains(me) && !isolated.contains(peerId);
                }
            };
        }

        void isolate(int id) {
            isolated.add(id);
            quorum.forEach((other, r) -> {
                if (other != id) {
                    r.onDisconnected(id);
                    quorum.get(id).onDisconnected(other);
                }
            });
        }
    }

    private final class Member {
        final int id;
        final RequestPipeline pipeline;
        final GroupCommitLog groupCommit;
        final EnsembleDriver driver;

        Member(int id, List<Peer> peers) throws IOException {
            this.id = id;
            Path dir = Files.createDirectories(tmp.resolve("server" + id));
            TxnLog log = TxnLog.open(Files.createDirectories(dir.resolve("log")), LogOptions.defaults());
            groupCommit = new GroupCommitLog(log, failures::add);
            SnapshotStore snapshots = new SnapshotStore(Files.createDirectories(dir.resolve("snapshots")));
            EnsembleDriver[] self = new EnsembleDriver[1];
            pipeline = new RequestPipeline(
                    new PipelineConfig(
                            TICK_MS,
                            4 * TICK_MS,
                            40 * TICK_MS,
                            false,
                            true,
                            null,
                            3_600_000,
                            1000,
                            1_000_000,
                            Set.of(),
                            null),
                    new StateMachine(new DataTree(), new SessionTracker(TICK_MS)),
                    new SessionIds(id, 1_700_000_000_000L),
                    new SessionPasswords(new byte[16]),
                    (record, onDurable) -> self[0].propose(record),
                    (zxid, sessions) -> {},
                    Map.of());
            pipeline.startInEnsemble();
            int scale = EnsembleDriver.CORE_TICKS_PER_TICK;
            driver = new EnsembleDriver(
                    new EnsembleDriver.Config(new ZabConfig(id, peers, 10 * scale, 5 * scale), TICK_MS, 1 << 20, false),
                    new EnsembleDriver.Storage(groupCommit, log, snapshots, new EpochStore(dir)),
                    net.of(id),
                    pipeline,
                    failures::add);
            self[0] = driver;
            driver.start();
        }

        void stop() throws IOException {
            driver.stop();
            pipeline.stop();
            groupCommit.close();
        }
    }

    private void startEnsemble(int voters) throws IOException {
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i <= voters; i++) {
            peers.add(new Peer(i, false));
        }
        for (int i = 1; i <= voters; i++) {
            members.add(new Member(i, peers));
        }
    }

    @AfterEach
    void stopAll() throws IOException {
        for (Member m : members) {
            m.stop();
        }
    }

    /**
     * The leader, once the members in {@code among} agree on it and all have its current epoch (a follower writes it
     * when it acks NEWLEADER, synced); after a change of leader, check the epoch is the new one.
     */
    private Member established(List<Member> among) {
        for (Member m : among) {
            if (m.driver.role() == Role.LEADING) {
                long epoch = m.driver.currentEpoch();
                boolean all = epoch > 0
                        && among.stream()
                                .allMatch(o -> o == m
                                        || o.driver.role() == Role.FOLLOWING
                                                && o.driver.leaderId() == m.id
                                                && o.driver.currentEpoch() == epoch);
                return all ? m : null;
            }
        }
        return null;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // the members run on their own threads
        }
    }

    /** Starts a three-member ensemble and waits until one leader is established: that one. */
    private Member startThreeAndAwaitALeader() throws IOException {
        startEnsemble(3);
        AtomicReference<Member> leader = new AtomicReference<>();
        // the leader seen established, not looked up again: the members run on, and a second look may land
        // mid-transition
        await(() -> leader.updateAndGet(l -> established(members)) != null, "one leader is established");
        return leader.get();
    }

    @Test
    @DisplayName("three members elect one leader and sync to its epoch through the driver")
    void electsAndSyncs() throws IOException {
        Member leader = startThreeAndAwaitALeader();
        await(
                () -> leader.driver.peers().values().stream()
                                .filter(PeerStatus::synced)
                                .count()
                        == 2,
                "the leader sees both followers synced");
        assertThat(members).allSatisfy(m -> assertThat(m.driver.leaderId()).isEqualTo(leader.id));
        assertThat(failures).isEmpty();
    }

    @Test
    @DisplayName("a cut-off leader is replaced: the other two establish a new one in a newer epoch")
    void reelectsWhenTheLeaderIsCutOff() throws IOException {
        Member old = startThreeAndAwaitALeader();
        long oldEpoch = old.driver.currentEpoch();
        net.isolate(old.id);
        List<Member> rest = members.stream().filter(m -> m != old).toList();
        AtomicReference<Member> established = new AtomicReference<>();
        AtomicLong epoch = new AtomicLong();
        await(
                () -> {
                    Member m = established(rest);
                    if (m == null) {
                        return false;
                    }
                    established.set(m);
                    epoch.set(m.driver.currentEpoch());
                    return epoch.get() > oldEpoch;
                },
                "the other two establish a new leader in a newer epoch");
        assertThat(established.get().id).isNotEqualTo(old.id);
        assertThat(epoch.get()).isGreaterThan(oldEpoch);
        assertThat(failures).isEmpty();
    }
}
