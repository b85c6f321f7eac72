package io.coordinator.server.zab;

import java.util.List;

/**
 * The ensemble as this node sees it. Voters are the non-observers; a quorum is a strict majority of them.
 * {@code initLimit} bounds discovery + sync (in ticks), {@code syncLimit} how long a leader or learner may go
 * without hearing from the other side once synced.
 */
public record ZabConfig(int myId, List<Peer> peers, int initLimitTicks, int syncLimitTicks) {
    public ZabConfig {
        peers = List.copyOf(peers);
        if (peers.stream().noneMatch(p -> p.id() == myId)) {
            throw new IllegalArgumentException("server " + myId + " is not in the ensemble " + peers);
        }
        if (peers.stream().map(Peer::id).distinct().count() != peers.size()) {
            throw new IllegalArgumentException("duplicate server ids in " + peers);
        }
        if (peers.stream().noneMatch(p -> !p.observer())) {
            throw new IllegalArgumentException("the ensemble has no voters");
        }
        if (initLimitTicks < 1 || syncLimitTicks < 1) {
            throw new IllegalArgumentException("initLimit and syncLimit must be at least 1 tick");
        }
    }

    public boolean isVoter(int id) {
        return peers.stream().anyMatch(p -> p.id() == id && !p.observer());
    }

    public boolean isMember(int id) {
        return peers.stream().anyMatch(p -> p.id() == id);
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
}
