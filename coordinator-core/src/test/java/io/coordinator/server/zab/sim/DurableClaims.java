package io.coordinator.server.zab.sim;

import io.coordinator.server.zab.Role;
import io.coordinator.server.zab.ZabMessage;

/**
 * The invariant of ZOOKEEPER-2845/3911/2678, one check for both harnesses ({@link Sim} and {@link ScriptedCluster}):
 * no message claims what its sender's disk does not hold durably. Claims are acks (of records, of NEWLEADER, of an
 * epoch) and the log position a learner, a first ping or a vote for oneself advertises.
 */
final class DurableClaims {
    private DurableClaims() {}

    /** What {@code m}, sent by server {@code id} whose disk is {@code disk}, claims beyond that disk; null if nothing. */
    static String violation(int id, SimDisk disk, ZabMessage m) {
        long claimed = -1;
        if (m instanceof ZabMessage.Ack a) {
            claimed = a.zxid();
        } else if (m instanceof ZabMessage.AckNewLeader a) {
            claimed = a.zxid();
            if (disk.epochs.currentEpoch() != a.epoch()) {
                return "server " + id + " acks NEWLEADER of epoch " + a.epoch() + " with durable currentEpoch "
                        + disk.epochs.currentEpoch();
            }
        } else if (m instanceof ZabMessage.AckEpoch a) {
            claimed = a.lastZxid();
            if (disk.epochs.acceptedEpoch() < a.epoch()) {
                return "server " + id + " acks epoch " + a.epoch() + " before persisting it";
            }
        } else if (m instanceof ZabMessage.FollowerInfo f) {
            claimed = f.lastZxid();
        } else if (m instanceof ZabMessage.ObserverInfo f) {
            claimed = f.lastZxid();
        } else if (m instanceof ZabMessage.Notification v && v.state() == Role.LOOKING && v.leader() == id) {
            claimed = v.zxid(); // a vote for oneself advertises one's own log: only what is durable
        } else if (m instanceof ZabMessage.Ping p && p.seq() == 0) {
            claimed = p.zxid();
        }
        if (claimed > 0 && !disk.holdsDurably(claimed)) {
            return "server " + id + " sends " + ZabText.message(m) + " claiming " + ZabText.zxid(claimed)
                    + " but its disk is durable only to " + ZabText.zxid(disk.durableZxid());
        }
        return null;
    }
}
