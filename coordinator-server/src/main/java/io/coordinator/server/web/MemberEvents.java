package io.coordinator.server.web;

import io.coordinator.server.ops.ClusterStatus;
import io.coordinator.server.ops.ClusterStatusService;
import io.coordinator.server.ops.PeriodicTask;
import io.coordinator.server.ops.ServerHandle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Tells the console at once when a member's connection or role changes, as a {@code member} event
 * {@code {"id", "role", "connection"}} on {@code /api/events}, so the cluster view redraws then rather than at its
 * next once-a-second refresh. A SIGKILLed member's connections are closed by its kernel: the transport sees that
 * within milliseconds, and this compares the members as this server sees them every {@link #EVERY}. Ensembles only.
 */
public final class MemberEvents extends PeriodicTask {
    /** How often the members are compared: a map lookup per member, nothing sent while nothing changes. */
    static final Duration EVERY = Duration.ofMillis(100);

    private final ServerHandle server;
    private final Supplier<List<ClusterStatus.PeerInfo>> members;
    private final BiConsumer<String, Object> events;
    private Map<Integer, ClusterStatus.PeerInfo> last = Map.of();

    /**
     * @param members the members as this server sees them ({@link ClusterStatusService#peers()})
     * @param events  where an event goes, by name ({@link ZnodeEvents#broadcast})
     */
    public MemberEvents(
            ServerHandle server, Supplier<List<ClusterStatus.PeerInfo>> members, BiConsumer<String, Object> events) {
        super("coordinator-member-events", EVERY, EVERY, Integer.MAX_VALUE - 997); // stops with the event streams
        this.server = server;
        this.members = members;
        this.events = events;
    }

    /** Sends an event for each member whose role or connection differs from the last look (timer thread). */
    void check() {
        Map<Integer, ClusterStatus.PeerInfo> now = new TreeMap<>();
        for (ClusterStatus.PeerInfo p : members.get()) {
            now.put(p.id(), p);
        }
        for (ClusterStatus.PeerInfo p : now.values()) {
            ClusterStatus.PeerInfo before = last.get(p.id());
            if (before == null
                    || !before.role().equals(p.role())
                    || !before.connection().equals(p.connection())) {
                events.accept("member", Map.of("id", p.id(), "role", p.role(), "connection", p.connection()));
            }
        }
        last = now;
    }

    @Override
    protected boolean starting() {
        return server.self() != null; // standalone: no other member
    }

    @Override
    protected void runOnce() {
        check();
    }
}
