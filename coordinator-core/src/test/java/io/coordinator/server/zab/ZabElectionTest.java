package io.coordinator.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Fast leader election in isolation: each peer starts from a given durable log and epochs. */
class ZabElectionTest {

    private record Msg(int from, int to, ZabMessage m) {
    }

    private static final class MemLog implements ZabLog, ZabStateMachine {
        final List<TxnRecord> records = new ArrayList<>();

        MemLog(long epoch, int count) {
            for (int i = 1; i <= count; i++) {
                Txn t = new Txn.Create("/n" + i, new byte[0], Acl.OPEN_ACL_UNSAFE, 0, i);
                records.add(new TxnRecord(new TxnHeader(1, i, Zxids.make(epoch, i), 0, t.type()), t));
            }
        }

        public long lastZxid() {
            return records.isEmpty() ? 0 : records.get(records.size() - 1).zxid();
        }

        public long firstZxid() {
            return records.isEmpty() ? 0 : records.get(0).zxid();
        }

        public List<TxnRecord> read(long after, int max) {
            return records.stream().filter(r -> r.zxid() > after).limit(max).toList();
        }

        public long appliedZxid() {
            return 0;
        }

        public byte[] snapshot() {
            return new byte[0];
        }
    }

    /** Runs the election only (discovery messages are dropped) and returns each node's role and leader. */
    private static ZabNode[] elect(int voters, int observers, long[] epochs, int[] counts, boolean[] up) {
        int n = voters + observers;
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            peers.add(new Peer(i, i > voters));
        }
        ZabNode[] nodes = new ZabNode[n + 1];
        ReadyExecutor[] executors = new ReadyExecutor[n + 1];
        Deque<Msg> net = new ArrayDeque<>();
        for (int i = 1; i <= n; i++) {
            if (!up[i]) {
                continue;
            }
            MemLog log = new MemLog(epochs[i], counts[i]);
            nodes[i] = new ZabNode(new ZabConfig(i, peers, 10, 5), new Epochs(epochs[i], epochs[i]), log, log, i);
            executors[i] = votesOnly(i, net);
        }
        for (int round = 0; round < 20; round++) {
            for (int i = 1; i <= n; i++) {
                if (nodes[i] != null && round > 0 && round < 4) {
                    nodes[i].tick(); // re-sends votes; an observer learns the result from established peers
                }
                if (nodes[i] != null) {
                    drain(executors[i], nodes[i]);
                }
            }
            while (!net.isEmpty()) {
                Msg m = net.poll();
                if (nodes[m.to()] != null) {
                    nodes[m.to()].step(m.from(), m.m());
                    drain(executors[m.to()], nodes[m.to()]);
                }
            }
        }
        return nodes;
    }

    /** Election only: votes go on the network; the rest of each Ready (discovery, log, applies) is dropped. */
    private static ReadyExecutor votesOnly(int id, Deque<Msg> net) {
        ReadyExecutor.LogAppender noLog = new ReadyExecutor.LogAppender() {
            @Override
            public void truncateAfter(long zxid) {
            }

            @Override
            public void append(TxnRecord record) {
            }

            @Override
            public void sync(long lastZxid) {
            }
        };
        return new ReadyExecutor(e -> { }, noLog, snap -> { }, o -> {
            if (o.message() instanceof ZabMessage.Notification) {
                net.add(new Msg(id, o.to(), o.message()));
            }
        }, rec -> { }, ReadyExecutor.Checkpoint.NONE);
    }

    private static void drain(ReadyExecutor executor, ZabNode node) {
        try {
            while (executor.step(node) == ReadyExecutor.Outcome.DONE) {
                // until the node has nothing more to do
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean[] allUp(int n) {
        boolean[] up = new boolean[n + 1];
        java.util.Arrays.fill(up, true);
        return up;
    }

    private static int leaderOf(ZabNode[] nodes) {
        int leader = -1;
        for (int i = 1; i < nodes.length; i++) {
            if (nodes[i] != null && nodes[i].role() == Role.LEADING) {
                assertEquals(-1, leader, "two leaders");
                leader = i;
            }
        }
        for (int i = 1; i < nodes.length; i++) {
            if (nodes[i] != null && nodes[i].role() != Role.LEADING) {
                assertEquals(leader, nodes[i].leaderId(), "server " + i + " follows the winner");
            }
        }
        return leader;
    }

    @Test
    @DisplayName("the longest log wins within the same epoch")
    void highestZxidWins() {
        ZabNode[] nodes = elect(3, 0, new long[] {0, 1, 1, 1}, new int[] {0, 5, 7, 3}, allUp(3));
        assertEquals(2, leaderOf(nodes));
    }

    @Test
    @DisplayName("a newer epoch beats a longer log of an older epoch")
    void highestEpochWins() {
        ZabNode[] nodes = elect(3, 0, new long[] {0, 1, 1, 2}, new int[] {0, 9, 9, 1}, allUp(3));
        assertEquals(3, leaderOf(nodes));
    }

    @Test
    @DisplayName("on equal (epoch, zxid) the highest server id wins")
    void highestSidBreaksTies() {
        ZabNode[] nodes = elect(5, 0, new long[] {0, 1, 1, 1, 1, 1}, new int[] {0, 4, 4, 4, 4, 4}, allUp(5));
        assertEquals(5, leaderOf(nodes));
    }

    @Test
    @DisplayName("observers do not vote and never lead, even with the longest log; they follow the result")
    void observersDoNotVote() {
        ZabNode[] nodes = elect(3, 1, new long[] {0, 1, 1, 1, 2}, new int[] {0, 2, 3, 1, 50}, allUp(4));
        assertEquals(2, leaderOf(nodes));
        assertEquals(Role.OBSERVING, nodes[4].role());
    }

    @Test
    @DisplayName("a minority of voters plus observers elects nobody")
    void observersDoNotMakeAQuorum() {
        boolean[] up = allUp(5);
        up[2] = false;
        up[3] = false;
        ZabNode[] nodes = elect(3, 2, new long[] {0, 1, 1, 1, 1, 1}, new int[] {0, 1, 1, 1, 1, 1}, up);
        for (int i : new int[] {1, 4, 5}) {
            assertEquals(Role.LOOKING, nodes[i].role(), "server " + i);
        }
        assertTrue(nodes[1].leaderId() < 0);
    }
}
