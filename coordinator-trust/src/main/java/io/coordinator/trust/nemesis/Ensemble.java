package io.coordinator.trust.nemesis;

import io.coordinator.testsupport.FaultProxy;
import io.coordinator.testsupport.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * N real server processes on loopback whose quorum and election traffic runs through a {@link FaultProxy} per
 * directed link: member i reaches member j at proxy (i->j), so each member gets its own ensemble string (its
 * own entry names its real ports, every other entry a proxy). Clients connect to the real client ports, of
 * observers too.
 *
 * <p>Spares (for {@link FaultKind#RECONFIG}) run from the start but are not members: each knows the members and
 * itself, and waits until a reconfig adds it. A reconfig's config text names every member as the leader reaches
 * it, so once one commits, the members reach each other through the proxies of the leader at the time: a run
 * with reconfigs has only those, not the partition faults, whose links it would blur.
 */
public final class Ensemble implements AutoCloseable {
    /** The members at the start (the voters, then the observers). */
    public final List<ServerNode> nodes = new ArrayList<>();
    /** Servers a reconfig may add: a voter, then an observer; empty without. */
    public final List<ServerNode> spares = new ArrayList<>();
    /** "i>j" -> the two proxies (quorum, election) member i uses to reach member j. */
    private final Map<String, FaultProxy[]> links = new HashMap<>();

    /** {@code voters} voting members (ids 1..voters) and {@code observers} observers (the ids after). */
    public Ensemble(int voters, int observers, Path dir, ServerSettings settings) throws IOException {
        this(voters, observers, false, dir, settings);
    }

    /** ... and with {@code spares}, a spare voter and a spare observer (the two ids after the observers). */
    public Ensemble(int voters, int observers, boolean spares, Path dir, ServerSettings settings) throws IOException {
        for (int i = 1; i <= voters + observers; i++) {
            nodes.add(new ServerNode(i, i > voters, dir.resolve("node" + i), settings));
        }
        if (spares) {
            int voter = voters + observers + 1;
            this.spares.add(new ServerNode(voter, false, dir.resolve("node" + voter), settings));
            this.spares.add(new ServerNode(voter + 1, true, dir.resolve("node" + (voter + 1)), settings));
        }
        List<ServerNode> all = all();
        for (ServerNode from : all) {
            for (ServerNode to : all) {
                if (from != to) {
                    String k = from.id + ">" + to.id;
                    links.put(k, new FaultProxy[] {
                        new FaultProxy("q" + k, LoopbackPorts.next(), to.quorumPort),
                        new FaultProxy("e" + k, LoopbackPorts.next(), to.electionPort)
                    });
                }
            }
        }
        for (ServerNode n : nodes) {
            n.setEnsemble(ensembleAsSeenBy(n, nodes));
        }
        for (ServerNode n : this.spares) {
            List<ServerNode> known = new ArrayList<>(nodes);
            known.add(n);
            n.setEnsemble(ensembleAsSeenBy(n, known));
        }
    }

    /** The ensemble string of {@code n}: its own entry with its real ports, the others' through its proxies. */
    private String ensembleAsSeenBy(ServerNode n, List<ServerNode> members) {
        return members.stream()
                .map(m -> {
                    String role = m.observer ? ":observer" : "";
                    if (m == n) {
                        return m.id + "=127.0.0.1:" + m.quorumPort + ":" + m.electionPort + role + ";" + m.clientPort;
                    }
                    FaultProxy[] p = links.get(n.id + ">" + m.id);
                    return m.id + "=127.0.0.1:" + p[0].port() + ":" + p[1].port() + role + ";" + m.clientPort;
                })
                .collect(Collectors.joining(","));
    }

    /** The members and the spares. */
    public List<ServerNode> all() {
        List<ServerNode> all = new ArrayList<>(nodes);
        all.addAll(spares);
        return all;
    }

    public String connectString() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.clientPort).collect(Collectors.joining(","));
    }

    public void start() throws IOException {
        for (ServerNode n : all()) {
            n.start();
        }
    }

    /** Cuts every link to and from {@code node} (both ports). */
    public void isolate(ServerNode node, FaultProxy.Mode mode) {
        links.forEach((k, proxies) -> {
            String[] ends = k.split(">");
            if (Integer.parseInt(ends[0]) == node.id || Integer.parseInt(ends[1]) == node.id) {
                for (FaultProxy p : proxies) {
                    p.setMode(mode);
                }
            }
        });
    }

    public void healNetwork() {
        links.values().forEach(ps -> List.of(ps).forEach(FaultProxy::heal));
    }

    public Optional<ServerNode> leader() {
        return nodes.stream().filter(n -> "leader".equals(n.mode())).findFirst();
    }

    /** A voting member other than {@code not} (observers are not followers: they neither vote nor ack). */
    public ServerNode follower(ServerNode not) {
        return nodes.stream().filter(n -> n != not && !n.observer).findFirst().orElseThrow();
    }

    /**
     * Polls {@code srvr} until every member serves (observers as observers), exactly one as leader; false if that does not happen in
     * {@code maxSeconds} (the caller reports it: a cluster that never recovers is a finding, not a test hang).
     */
    public boolean awaitHealthy(int maxSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        while (System.nanoTime() < deadline) {
            int serving = 0;
            int leaders = 0;
            for (ServerNode n : nodes) {
                String m = n.mode();
                if (m != null && !m.equals("read-only")) {
                    serving++;
                    leaders += m.equals("leader") ? 1 : 0;
                }
            }
            if (serving == nodes.size() && leaders == 1) {
                return true;
            }
            Thread.sleep(200); // polling other processes: there is no event to wait on
        }
        return false;
    }

    @Override
    public void close() {
        all().forEach(ServerNode::close);
        links.values().forEach(ps -> List.of(ps).forEach(FaultProxy::close));
    }
}
