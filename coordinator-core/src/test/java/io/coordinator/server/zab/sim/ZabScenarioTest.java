package io.coordinator.server.zab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.NotLeaderException;
import io.coordinator.server.zab.Ready;
import io.coordinator.server.zab.Role;
import io.coordinator.server.zab.ZabMessage;
import io.coordinator.server.zab.ZabMessage.*;
import io.coordinator.server.zab.Zxids;
import io.coordinator.server.zab.sim.ScriptedCluster.InvariantViolation;
import io.coordinator.server.zab.sim.ScriptedCluster.Node;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scripted, deterministic scenarios for the ZooKeeper data-loss bug classes named in issue 3. Each drives the
 * real core through the dangerous interleaving, checks the core does the safe thing, and shows that the invariant
 * the simulator checks would flag the unsafe behaviour.
 */
class ZabScenarioTest {

    private static int other(int leader, int not) {
        for (int i = 1; i <= 3; i++) {
            if (i != leader && i != not) {
                return i;
            }
        }
        throw new IllegalStateException();
    }

    private static TxnRecord fakeRecord(long zxid) {
        Txn txn = new Txn.Create("/fake", new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 0);
        return new TxnRecord(new TxnHeader(1, 1, zxid, 0, txn.type()), txn);
    }

    @Test
    @DisplayName("ZOOKEEPER-2845/3911: a follower ACKs NEWLEADER only after the synced txns are fsynced")
    void noNewLeaderAckBeforeSyncedTxnsAreDurable() {
        ScriptedCluster c = new ScriptedCluster(3, 0).startAll();
        int l = c.awaitLeader();
        c.write(l, "/pre");
        c.awaitConverged();
        int f = other(l, 0);
        c.crash(f);
        c.crash(l); // restart the leader too: a new epoch, so the follower syncs to a new NEWLEADER
        c.start(l);
        l = c.awaitLeaderAmong();
        long last = 0;
        for (int i = 0; i < 3; i++) {
            last = c.write(l, "/a" + i);
        }
        c.deliver();
        Node fn = c.node(f);
        fn.autoFsync = false;
        long epochBefore = fn.disk.epochs.currentEpoch();
        int acksBefore = c.sentBy(f, AckNewLeader.class).size();
        c.start(f);
        for (int t = 0; t < 3; t++) {
            c.tick();
            c.deliver();
        }
        assertEquals(Role.FOLLOWING, fn.zab.role());
        assertEquals(last, fn.zab.lastZxid(), "the synced txns were appended");
        assertEquals(acksBefore, c.sentBy(f, AckNewLeader.class).size(), "no ACK of NEWLEADER before fsync");
        assertEquals(epochBefore, fn.disk.epochs.currentEpoch(), "currentEpoch not written before the log");
        assertFalse(fn.zab.isServing());

        c.fsync(f);
        assertEquals(acksBefore + 1, c.sentBy(f, AckNewLeader.class).size());
        assertEquals(c.node(l).zab.epochs().currentEpoch(), fn.disk.epochs.currentEpoch());
        c.awaitConverged();

        // the invariant the simulator checks: an ack that claims more than the disk holds is flagged
        ZabMessage early = new AckNewLeader(1, fn.disk.epochs.currentEpoch(), last + 1);
        assertThrows(InvariantViolation.class, () -> c.checkDurableClaim(fn, early));
    }

    @Test
    @DisplayName("ZOOKEEPER-2845 at election: a new leader serves only after a quorum has its history on disk")
    void newLeaderServesOnlyAfterQuorumDurable() {
        ScriptedCluster c = new ScriptedCluster(3, 0).startAll();
        int l = c.awaitLeader();
        c.awaitConverged();
        int f = other(l, 0);
        int g = other(l, f);
        c.write(l, "/pre");
        c.awaitConverged(); // so the follower syncs with DIFF later (an empty one would get a durable SNAP)
        c.isolate(f);
        for (int i = 0; i < 3; i++) {
            c.write(l, "/b" + i);
        }
        c.deliver();
        c.heal();
        c.crash(l); // g holds the txns, f does not
        c.node(f).autoFsync = false;
        for (int t = 0; t < 30 && !(c.node(g).zab.role() == Role.LEADING); t++) {
            c.tick();
            c.deliver();
        }
        assertEquals(Role.LEADING, c.node(g).zab.role(), "the peer with the longer history leads");
        c.deliver();
        assertFalse(c.node(g).zab.isServing(), "not serving while the follower's synced history is not durable");
        assertThrows(NotLeaderException.class, () -> c.write(g, "/early"));
        c.fsync(f);
        c.deliver();
        assertTrue(c.node(g).zab.isServing());
        c.awaitConverged();
        assertEquals(c.node(g).appliedZxids, c.node(f).appliedZxids.subList(0, c.node(f).appliedZxids.size()));
    }

    @Test
    @DisplayName("ZOOKEEPER-3642: the epoch file is never written ahead of the log (crash between sync and fsync)")
    void epochNeverAheadOfLog() {
        ScriptedCluster c = new ScriptedCluster(3, 0).startAll();
        int l = c.awaitLeader();
        long pre = c.write(l, "/pre");
        c.awaitConverged();
        int f = other(l, 0);
        c.crash(f);
        c.crash(l);
        c.start(l);
        l = c.awaitLeaderAmong();
        for (int i = 0; i < 3; i++) {
            c.write(l, "/c" + i);
        }
        c.deliver();
        Node fn = c.node(f);
        fn.autoFsync = false;
        long epochBefore = fn.disk.epochs.currentEpoch();
        c.start(f);
        for (int t = 0; t < 3; t++) {
            c.tick();
            c.deliver();
        }
        assertTrue(fn.zab.lastZxid() > pre, "synced txns appended, not yet durable");
        // the synced txns sit in the page cache; the follower crashes before the fsync completes
        c.crash(f);
        assertEquals(epochBefore, fn.disk.epochs.currentEpoch(), "currentEpoch must not survive without its history");
        assertTrue(fn.disk.epochs.acceptedEpoch() > epochBefore, "the new epoch was accepted (ACKEPOCH)");
        assertEquals(pre, fn.disk.lastZxid());
        fn.autoFsync = true;
        c.start(f);
        c.awaitConverged();
        for (Ready r : fn.readies) {
            if (r.epochsToPersist() != null && r.epochsToPersist().currentEpoch() > epochBefore) {
                assertTrue(r.messages().stream().anyMatch(o -> o.message() instanceof AckNewLeader),
                        "currentEpoch is written only with the ACK of NEWLEADER, after the history is durable");
            }
        }
    }

    @Test
    @DisplayName("ZOOKEEPER-4394/4643: the in-memory tree is never ahead of the log (commit before local fsync)")
    void treeNeverAheadOfLog() {
        ScriptedCluster c = new ScriptedCluster(3, 0).startAll();
        int l = c.awaitLeader();
        c.awaitConverged();
        int f = other(l, 0);
        Node fn = c.node(f);
        fn.autoFsync = false;
        long z = c.write(l, "/d");
        c.deliver();
        assertTrue(c.node(l).zab.committedZxid() >= z, "committed by the leader and the other follower");
        assertTrue(fn.zab.committedZxid() >= z, "the follower learned the commit " + fn.zab.role() + " "
                + Zxids.hex(fn.zab.committedZxid()) + " " + Zxids.hex(fn.zab.lastZxid()) + " " + Zxids.hex(z) + " "
                + c.sent.stream().filter(e -> e.to() == f).map(e -> e.message().getClass().getSimpleName()).toList());
        assertTrue(fn.appliedZxids.isEmpty() || fn.appliedZxids.get(fn.appliedZxids.size() - 1) < z,
                "but does not apply it before its own fsync");
        assertEquals(null, fn.tree.getNode("/d"));
        assertThrows(InvariantViolation.class, () -> c.apply(fn, fn.disk.log.get(fn.disk.log.size() - 1)),
                "applying a txn that is not durable is what the invariant catches");
        c.fsync(f);
        assertTrue(fn.tree.getNode("/d") != null);
    }

    @Test
    @DisplayName("ZOOKEEPER-2678-style: a follower ACKs a proposal only after it is fsynced")
    void proposalAckOnlyAfterFsync() {
        ScriptedCluster c = new ScriptedCluster(3, 0).startAll();
        int l = c.awaitLeader();
        int f = other(l, 0);
        c.awaitConverged();
        c.node(f).autoFsync = false;
        int before = c.sentBy(f, Ack.class).size();
        long z = c.write(l, "/e");
        c.deliver();
        assertTrue(c.sentBy(f, Ack.class).stream().skip(before).noneMatch(e -> ((Ack) e.message()).zxid() >= z));
        c.fsync(f);
        assertTrue(c.sentBy(f, Ack.class).stream().anyMatch(e -> ((Ack) e.message()).zxid() == z));
    }

    @Test
    @DisplayName("TRUNC: uncommitted txns of an old epoch are cut exactly at the divergence, committed ones kept")
    void oldEpochUncommittedTxnsAreTruncated() {
        ScriptedCluster c = new ScriptedCluster(3, 0).startAll();
        int l = c.awaitLeader();
        long a = 0;
        for (int i = 0; i < 3; i++) {
            a = c.write(l, "/f" + i);
        }
        c.awaitConverged();
        c.isolate(l);
        long x1 = c.write(l, "/x1"); // logged durably by the old leader only, never committed
        long x2 = c.write(l, "/x2");
        c.deliver();
        c.crash(l);
        c.heal();
        int nl = c.awaitLeader();
        assertNotEquals(l, nl);
        long b = c.write(nl, "/g");
        assertTrue(Zxids.epochOf(b) > Zxids.epochOf(x1));
        c.awaitConverged();
        c.start(l);
        c.awaitConverged();
        Node old = c.node(l);
        assertFalse(c.committed.containsKey(x1) || c.committed.containsKey(x2), "never committed");
        assertTrue(old.disk.read(a, 10).stream().noneMatch(r -> r.zxid() == x1 || r.zxid() == x2), "cut");
        assertTrue(old.disk.holdsDurably(a), "the committed prefix stays");
        long cut = old.readies.stream().filter(r -> r.truncateAfter() >= 0).mapToLong(Ready::truncateAfter).min()
                .orElse(-1);
        assertEquals(a, cut, "truncated exactly after the last common txn, never below a committed one");
        assertEquals(c.node(nl).appliedZxids.get(c.node(nl).appliedZxids.size() - 1),
                old.appliedZxids.get(old.appliedZxids.size() - 1));
        assertEquals(null, old.tree.getNode("/x1"));
        assertTrue(old.tree.getNode("/g") != null);
    }

    @Test
    @DisplayName("Leader crash between quorum ACK and COMMIT: the txn survives under the next leader")
    void leaderCrashBetweenAckAndCommit() {
        ScriptedCluster c = new ScriptedCluster(3, 0).startAll();
        int l = c.awaitLeader();
        c.awaitConverged();
        long z = c.write(l, "/h");
        c.deliverWhere(e -> !(e.message() instanceof Commit)); // proposals and ACKs flow, COMMITs are held
        assertTrue(c.node(l).appliedZxids.contains(z), "the leader committed and applied it: the client got OK");
        c.drop(e -> e.message() instanceof Commit);
        c.crash(l);
        int nl = c.awaitLeader();
        c.awaitConverged();
        for (int i = 1; i <= 3; i++) {
            if (i != l) {
                assertTrue(c.node(i).appliedZxids.contains(z) || c.node(i).applied >= z, "server " + i);
                assertTrue(c.node(i).tree.getNode("/h") != null);
            }
        }
        c.start(l);
        c.awaitConverged();
        assertTrue(c.node(l).tree.getNode("/h") != null);
        assertTrue(nl != l);
    }

    @Test
    @DisplayName("An epoch promised to one leader is never promised to another (even after a restart)")
    void epochNeverPromisedTwice() {
        ScriptedCluster c = new ScriptedCluster(3, 0);
        c.start(1);
        Node n = c.node(1);
        n.zab.step(2, new Notification(2, 0, 0, 1, Role.LEADING));
        n.zab.step(3, new Notification(2, 0, 0, 1, Role.FOLLOWING));
        c.drain(n);
        assertEquals(Role.FOLLOWING, n.zab.role());
        long session = ((FollowerInfo) c.sentBy(1, FollowerInfo.class).get(0).message()).session();
        n.zab.step(2, new LeaderInfo(session, 5));
        c.drain(n);
        assertEquals(5, n.disk.epochs.acceptedEpoch());
        assertEquals(2, n.disk.epochs.acceptedFrom());
        c.crash(1);
        c.start(1);
        n.zab.step(3, new Notification(3, 0, 0, 1, Role.LEADING));
        n.zab.step(2, new Notification(3, 0, 0, 1, Role.FOLLOWING));
        c.drain(n);
        assertEquals(3, n.zab.leaderId());
        List<ScriptedCluster.Envelope> infos = c.sentBy(1, FollowerInfo.class);
        long s2 = ((FollowerInfo) infos.get(infos.size() - 1).message()).session();
        n.zab.step(3, new LeaderInfo(s2, 5));
        c.drain(n);
        assertEquals(Role.LOOKING, n.zab.role(), "refuses epoch 5 from leader 3");
        assertEquals(1, c.sentBy(1, EpochRefused.class).size());
        assertEquals(2, n.disk.epochs.acceptedFrom());
    }

    @Test
    @DisplayName("A leader that loses its quorum steps down within syncLimit ticks; its stale messages are ignored")
    void leaderStepsDownAndStaleMessagesAreIgnored() {
        ScriptedCluster c = new ScriptedCluster(3, 0).startAll();
        int l = c.awaitLeader();
        c.awaitConverged();
        long oldEpoch = c.node(l).zab.epochs().currentEpoch();
        c.isolate(l);
        for (int t = 0; t < 7; t++) {
            c.tick();
            c.deliver();
        }
        assertNotEquals(Role.LEADING, c.node(l).zab.role());
        assertFalse(c.node(l).zab.isServing());
        assertThrows(NotLeaderException.class, () -> c.write(l, "/late"));
        c.heal();
        int nl = c.awaitLeader();
        c.awaitConverged();
        assertTrue(c.node(nl).zab.epochs().currentEpoch() > oldEpoch);
        int f = other(nl, 0);
        long last = c.node(f).zab.lastZxid();
        c.node(f).zab.step(nl, new Proposal(42, oldEpoch, 1, fakeRecord(Zxids.make(oldEpoch, 999))));
        c.node(f).zab.step(l, new Commit(42, oldEpoch, 2, Zxids.make(oldEpoch, 999)));
        c.drain(c.node(f));
        assertEquals(last, c.node(f).zab.lastZxid(), "a stale session's proposal is ignored");
    }

    @Test
    @DisplayName("Observers follow the elected leader, never vote, and receive commits as INFORM")
    void observersGetInform() {
        ScriptedCluster c = new ScriptedCluster(3, 1).startAll();
        int l = c.awaitLeader();
        assertTrue(l <= 3);
        c.awaitConverged();
        assertEquals(Role.OBSERVING, c.node(4).zab.role());
        long z = c.write(l, "/o");
        c.awaitConverged();
        assertTrue(c.sent.stream().anyMatch(e -> e.to() == 4 && e.message() instanceof Inform i
                && i.record().zxid() == z));
        assertTrue(c.sent.stream().noneMatch(e -> e.to() == 4 && e.message() instanceof Proposal p
                && p.record().zxid() == z));
        assertTrue(c.node(4).tree.getNode("/o") != null);
    }

    @Test
    @DisplayName("ZOOKEEPER-3642 for the leader: a new leader with an unsynced log tail counts its own NEWLEADER "
            + "ack (and writes currentEpoch) only once that tail is fsynced")
    void leaderSelfAckOnlyWhenDurable() {
        ScriptedCluster c = new ScriptedCluster(3, 0).startAll();
        int l = c.awaitLeader();
        c.write(l, "/pre");
        c.awaitConverged();
        int f = Math.min(other(l, 0), other(l, other(l, 0)));
        int g = Math.max(other(l, 0), other(l, other(l, 0))); // wins ties on (epoch, zxid)
        c.isolate(f);
        c.node(g).autoFsync = false;
        long t2 = 0;
        for (int i = 0; i < 2; i++) {
            t2 = c.write(l, "/t" + i); // g appends them but its fsync does not complete
        }
        c.deliver();
        assertTrue(c.node(g).zab.lastZxid() == t2 && c.node(g).durableZxid() < t2);
        c.crash(l);
        c.heal();
        for (int t = 0; t < 30 && c.node(g).zab.role() != Role.LEADING; t++) {
            c.tick();
            c.deliver();
        }
        assertEquals(Role.LEADING, c.node(g).zab.role());
        long epochBefore = c.node(g).disk.epochs.currentEpoch();
        c.deliver();
        assertTrue(c.node(f).zab.lastZxid() == t2, "the follower got the leader's whole history");
        assertFalse(c.node(g).zab.isServing(), "the leader's own copy of its history is not durable yet");
        assertEquals(epochBefore, c.node(g).disk.epochs.currentEpoch(), "so its currentEpoch is not written");
        assertFalse(c.committed.containsKey(t2));
        c.fsync(g);
        c.deliver();
        assertTrue(c.node(g).zab.isServing());
        assertTrue(c.node(g).disk.epochs.currentEpoch() > epochBefore);
        c.node(g).autoFsync = true;
        c.awaitConverged();
        assertTrue(c.committed.containsKey(t2), "the old epoch's tail is committed by the new leader");
    }

    @Test
    @DisplayName("A follower whose connection to the leader breaks looks for a new leader at once, not after syncLimit")
    void brokenLeaderConnectionStartsAnElectionWithoutWaiting() {
        ScriptedCluster c = new ScriptedCluster(3, 0).startAll();
        int l = c.awaitLeader();
        long zxid = c.write(l, "/before");
        c.awaitConverged();
        int f1 = other(l, 0);
        int f2 = other(l, f1);
        c.crash(l);
        // No tick passes: only the transports' news that the leader's connections broke.
        c.node(f1).zab.peerDisconnected(l);
        c.node(f2).zab.peerDisconnected(l);
        assertEquals(Role.LOOKING, c.node(f1).zab.role());
        assertEquals(Role.LOOKING, c.node(f2).zab.role());
        // A follower told about some other peer keeps following.
        ScriptedCluster d = new ScriptedCluster(3, 0).startAll();
        int dl = d.awaitLeader();
        int df = other(dl, 0);
        d.node(df).zab.peerDisconnected(other(dl, df));
        assertEquals(Role.FOLLOWING, d.node(df).zab.role());
        // And the survivors elect a leader that still has the committed write.
        int newLeader = c.awaitLeaderAmong();
        assertTrue(c.node(newLeader).zab.lastZxid() >= zxid);
    }
}
