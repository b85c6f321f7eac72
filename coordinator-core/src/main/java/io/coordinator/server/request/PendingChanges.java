package io.coordinator.server.request;

import io.coordinator.server.tree.DataNode;
import io.coordinator.server.tree.DataTree;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The view of the tree that preparation checks against: the applied tree overlaid with the effects of txns
 * that are prepared but not yet applied (still being logged or replicated). Without it, two creates of
 * the same path in flight would both succeed. Records are dropped when their txn is applied.
 */
final class PendingChanges {
    private final DataTree tree;
    private final Map<String, NodeState> byPath = new HashMap<>();
    private final Deque<NodeState> inOrder = new ArrayDeque<>();

    PendingChanges(DataTree tree) {
        this.tree = tree;
    }

    /** The node as it will be, or null when it does not (or will not) exist. */
    NodeState get(String path) {
        NodeState s = byPath.get(path);
        if (s != null) {
            return s.exists() ? s : null;
        }
        DataNode n = tree.getNode(path);
        return n == null ? null : NodeState.of(n, path);
    }

    void add(NodeState state) {
        byPath.put(state.path(), state);
        inOrder.addLast(state);
    }

    /** How many records exist, so a failed multi can roll back to this mark. */
    int mark() {
        return inOrder.size();
    }

    /** Drops records added after {@code mark}, restoring earlier ones for the same paths. */
    void rollback(int mark) {
        List<NodeState> removed = new ArrayList<>();
        while (inOrder.size() > mark) {
            removed.add(inOrder.removeLast());
        }
        for (NodeState s : removed) {
            byPath.remove(s.path());
        }
        // Re-point each path at its latest remaining record, if any.
        for (NodeState s : inOrder) {
            byPath.put(s.path(), s);
        }
    }

    /** The txn with this zxid was applied: its records now live in the tree itself. */
    void applied(long zxid) {
        Iterator<NodeState> it = inOrder.iterator();
        while (it.hasNext()) {
            NodeState s = it.next();
            if (s.zxid() > zxid) {
                break;
            }
            it.remove();
            if (byPath.get(s.path()) == s) {
                byPath.remove(s.path());
            }
        }
    }

    /** Paths of this session's ephemerals whose create is prepared but not yet applied. */
    List<String> pendingEphemerals(long sessionId) {
        List<String> paths = new ArrayList<>();
        for (NodeState s : byPath.values()) {
            if (s.exists() && s.ephemeralOwner() == sessionId) {
                paths.add(s.path());
            }
        }
        return paths;
    }

    boolean isEmpty() {
        return inOrder.isEmpty();
    }
}
