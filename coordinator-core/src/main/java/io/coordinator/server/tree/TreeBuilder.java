package io.coordinator.server.tree;

import io.coordinator.server.protocol.Acl;
import java.io.IOException;
import java.util.List;

/**
 * Builds a tree from nodes whose every persisted field is given, parents before children, as another server's
 * snapshot lists them (an Apache ZooKeeper data directory being taken over). {@link #finish} rebuilds what is
 * derived from the nodes (ephemerals by session, containers, TTL nodes, quota stats) as a snapshot load does.
 */
public final class TreeBuilder {
    private final DataTree tree = new DataTree((Void) null);
    private boolean finished;

    /**
     * Adds one node, its Stat fields as stored (see {@link StatPersisted}).
     *
     * @throws IOException if the path is not canonical, is a duplicate, or its parent was not added before it
     */
    public void add(String path, byte[] data, List<Acl> acl, StatPersisted stat) throws IOException {
        if (finished) {
            throw new IllegalStateException("tree already finished");
        }
        tree.load(path, new DataNode(data, tree.acquireAcl(acl), stat));
    }

    /** The tree, its last processed zxid set; refuses a tree without a root. */
    public DataTree finish(long lastProcessedZxid) throws IOException {
        finished = true;
        tree.finishLoad();
        tree.setLastProcessedZxid(lastProcessedZxid);
        return tree;
    }
}
