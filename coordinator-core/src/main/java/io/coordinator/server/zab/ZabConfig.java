package io.coordinator.server.zab;

import io.coordinator.server.protocol.Txn;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The ensemble as this node sees it. Voters are the non-observers; a quorum is a strict majority of them.
 * {@code initLimit} bounds discovery + sync (in ticks), {@code syncLimit} how long a leader or learner may go
 * without hearing from the other side once synced. {@code version} is ZooKeeper's config version: the zxid of
 * the reconfig txn that made this membership (0 for the configuration the ensemble was started with).
 *
 * <p>{@code myId} need not be a member: a server removed by a reconfig restarts with the config that removed it
 * (and stays out), and one being added may learn a config that does not name it yet.
 */
public record ZabConfig(int myId, List<Peer> peers, int initLimitTicks, int syncLimitTicks, long version) {
    public ZabConfig {
        peers = List.copyOf(peers);
        if (peers.stream().map(Peer::id).distinct().count() != peers.size()) {
            throw new IllegalArgumentException("duplicate server ids in " + peers);
        }
        if (peers.stream().noneMatch(p -> !p.observer())) {
            throw new IllegalArgumentException("the ensemble has no voters");
        }
        if (initLimitTicks < 1 || syncLimitTicks < 1) {
            throw new IllegalArgumentException("initLimit and syncLimit must be at least 1 tick");
        }
        if (version < 0) {
            throw new IllegalArgumentException("negative config version " + version);
        }
    }

    /** The configuration an ensemble starts with (version 0); this server must be in it. */
    public ZabConfig(int myId, List<Peer> peers, int initLimitTicks, int syncLimitTicks) {
        this(myId, peers, initLimitTicks, syncLimitTicks, 0);
        if (!isMember(myId)) {
            throw new IllegalArgumentException("server " + myId + " is not in the ensemble " + peers);
        }
    }

    /** The same server and timeouts with another membership. */
    public ZabConfig withMembers(long newVersion, List<Peer> newPeers) {
        return new ZabConfig(myId, newPeers, initLimitTicks, syncLimitTicks, newVersion);
    }

    public boolean isVoter(int id) {
        for (Peer p : peers) { // a loop, not a stream: asked on every ack
            if (p.id() == id) {
                return !p.observer();
            }
        }
        return false;
    }

    public boolean isMember(int id) {
        for (Peer p : peers) {
            if (p.id() == id) {
                return true;
            }
        }
        return false;
    }

    public int voterCount() {
        int n = 0;
        for (Peer p : peers) {
            n += p.observer() ? 0 : 1;
        }
        return n;
    }

    /** A strict majority of the voters. */
    public int quorum() {
        return voterCount() / 2 + 1;
    }

    /** Whether {@code count} voters of this config are a quorum. */
    boolean reached(int count) {
        return count >= quorum();
    }

    /**
     * The members named by a configuration in ZooKeeper's text form ({@code server.N=host:port:port[:role][;client]}
     * lines; other lines, such as {@code version=}, are skipped). The role is the last colon-separated field before
     * the {@code ;}: {@code observer}, else a participant.
     *
     * @throws IllegalArgumentException naming the line that is not a server line ZooKeeper would accept
     */
    public static List<Peer> parseMembers(String text) {
        List<Peer> peers = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (!line.startsWith("server.")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("line " + (i + 1) + ": no '=' in '" + line + "'");
            }
            int id;
            try {
                id = Integer.parseInt(line.substring("server.".length(), eq).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": bad server id in '" + line + "'");
            }
            String address = line.substring(eq + 1);
            int semi = address.indexOf(';');
            String quorumPart = semi < 0 ? address : address.substring(0, semi);
            String role = quorumPart.substring(quorumPart.lastIndexOf(':') + 1).trim();
            peers.add(new Peer(id, role.equals("observer")));
        }
        return peers;
    }

    /** The members of a reconfig txn. */
    public static List<Peer> parseMembers(Txn.Reconfig txn) {
        return parseMembers(new String(txn.data(), StandardCharsets.UTF_8));
    }

    /**
     * A configuration's content as ZooKeeper writes it to /zookeeper/config: the server lines, then
     * {@code version=} the config version in hex.
     */
    public static byte[] content(String serverLines, long version) {
        StringBuilder b = new StringBuilder();
        for (String line : serverLines.split("\n")) {
            if (line.trim().startsWith("server.")) {
                b.append(line.trim()).append('\n');
            }
        }
        b.append("version=").append(Long.toHexString(version));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
