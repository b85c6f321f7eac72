package io.coordinator.server.zab;

/**
 * The leader's view of one learner: whether it is in a sync session, whether it has acknowledged NEWLEADER
 * (synced), the last zxid it acknowledged as durable, its lag behind the leader's last zxid, and how many
 * ticks ago the leader last heard from it.
 */
public record PeerStatus(
        int id, boolean observer, boolean connected, boolean synced, long ackedZxid, long lag, long ticksSinceHeard) {}
