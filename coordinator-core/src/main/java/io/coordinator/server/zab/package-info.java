/**
 * ZAB (ZooKeeper Atomic Broadcast) as a pure, deterministic state machine, in the style of etcd-io/raft.
 *
 * <h2>Shape</h2>
 * {@link ZabNode} takes inputs ({@code tick}, {@code step(from, message)},
 * {@code propose}, {@code persisted(zxid)}) and hands out {@link Ready} batches. It does
 * no IO, starts no threads, reads no clock; its only randomness (learner session ids) comes from the seed. The
 * deterministic simulator in the tests ({@code zab.sim.Sim}) runs whole ensembles of it in one thread; the
 * scripted scenarios ({@code testdata/*.txt}, run by {@code zab.sim.ZabScriptTest}) drive small ensembles by hand.
 *
 * <p>{@code ZabNode} is the dispatcher; the parts, as etcd-io/raft splits them: {@code Election} (fast leader
 * election), {@code Leader} and {@code Learner} (the roles), {@code LearnerProgress} (the leader's view of one
 * learner, tracker/progress.go), {@code QuorumTracker} and {@code Majority} (quorum math, quorum/majority.go),
 * {@code ReorderBuffer} (the learner's stream order), {@code History} (the log and its unstable part, log.go).
 *
 * <h2>The driver contract</h2>
 * <ol>
 *   <li>Single-threaded: after {@code ready()} do the IO, then {@code advance(ready)} before any other input.</li>
 *   <li>Per Ready, in order ({@link ReadyExecutor} is the one implementation, used by
 *       production and the simulators alike): persist {@code epochsToPersist} atomically and fsynced (and
 *       {@code configToPersist}, the newest committed configuration, if set) → truncate
 *       the log after {@code truncateAfter} (when done, the cut and every surviving record are durable) → install {@code snapshot} durably (replace the state machine;
 *       if the log ends before its zxid, continue the log from it: {@code TxnLog.advanceTo}) → send
 *       {@code messages} → append {@code toAppend} (buffered; fsync later, group commit) → apply {@code toApply}
 *       → {@code advance}.</li>
 *   <li>Call {@code persisted(z)} when every appended record with zxid {@code <= z} is fsynced; never for an fsync
 *       that began before a truncation or snapshot install of the same log (the core ignores a report for a record
 *       it no longer has, so the per-batch "last zxid of the batch" style is safe).</li>
 *   <li>The {@link ZabLog} reflects appends once done (durable or not) and holds every
 *       record after the newest durable snapshot; purge only what a durable snapshot covers.</li>
 *   <li>On start: the log as recovered (all of it durable), the durable epochs, and the state machine from the
 *       newest snapshot only (not the log: records after it are applied by the core once known committed).</li>
 *   <li>Messages may be lost, duplicated, delayed or reordered; connections are not modelled.</li>
 * </ol>
 *
 * <h2>Protocol notes</h2>
 * <ul>
 *   <li>Election: fast leader election on (currentEpoch, durable last zxid, sid) with logical clocks; a quorum for
 *       a vote is decided at once if unanimous, else one tick later (ZooKeeper's finalizeWait). A looking peer
 *       joins an established ensemble when the leader says LEADING and, with itself, a quorum names it.
 *       Observers never vote and follow the leader that says LEADING.</li>
 *   <li>Discovery: the leader picks max(acceptedEpoch of a voter quorum) + 1; learners promise with ACKEPOCH (the
 *       epoch is persisted first, with the leader it was promised to: the same epoch is never promised to two
 *       leaders; a learner that cannot promise replies EPOCHREFUSED and the leader steps down); a leader that sees
 *       a promising voter with a newer (currentEpoch, zxid) abdicates.</li>
 *   <li>Sync waits for a quorum of ACKEPOCH. DIFF when the learner's last zxid is in the leader's log; TRUNC to
 *       the best common point (the leader's last record of the learner's last epoch, or the learner's applied
 *       zxid); SNAP otherwise. Truncation is lazy: the learner skips txns it already holds and cuts its log only
 *       at the first mismatch (or at NEWLEADER), so a committed txn it holds is never cut and re-fetched.</li>
 *   <li>Every leader-to-learner message after LEADERINFO is numbered in a per-session stream; the learner
 *       processes it in order, buffers reordered messages, and starts a new session on a gap or a lost tail (the
 *       leader's pings carry the last sequence number sent).</li>
 *   <li>Durability: ACK, ACKNEWLEADER, ACKEPOCH, FOLLOWERINFO and votes report only fsynced zxids; currentEpoch is
 *       written in the same Ready as the ACK of NEWLEADER, once the synced history is durable; a leader counts its
 *       own NEWLEADER ack and proposal acks only from {@code persisted}; nothing is applied before it is committed
 *       and locally durable.</li>
 *   <li>Reconfiguration ({@link Configs}): a reconfig txn's config is pending from its append; every quorum must
 *       be one of the committed config and of each pending one; at its commit the new config alone decides, a
 *       leader that is no voter of it hands off, removed servers step out. SNAP and election notifications carry
 *       the sender's config; a looking peer takes a newer committed one.</li>
 *   <li>Liveness: the leader pings each tick; a learner that hears nothing for syncLimit ticks, or is not synced
 *       within initLimit ticks, goes LOOKING; a leader not established within initLimit ticks, or that has not
 *       heard a quorum within syncLimit ticks, steps down.</li>
 * </ul>
 */
package io.coordinator.server.zab;
