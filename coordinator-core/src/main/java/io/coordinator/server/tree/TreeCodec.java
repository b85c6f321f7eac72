package io.coordinator.server.tree;

import static io.coordinator.server.protocol.JuteStreams.writeBuffer;
import static io.coordinator.server.protocol.JuteStreams.writeString;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.JuteStreams;
import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The snapshot stream of a DataTree: magic, format, lastProcessedZxid, then (path, node) records in
 * depth-first order (a parent before its children), ended by a null path. Strings and buffers are an int
 * length (-1 = null) and bytes, so null data stays distinct from empty data.
 */
final class TreeCodec {
    static final int MAGIC = 0x434f5452; // "COTR"
    static final int FORMAT = 1;
    /** Guards against reading garbage as a huge allocation. */
    private static final int MAX_LENGTH = 64 << 20;

    private TreeCodec() {}

    /** A seam for tests: told, on the snapshot thread, just before each node is copied. */
    interface WalkListener {
        WalkListener NONE = path -> {};

        void beforeCopy(String path);
    }

    static void write(DataTree tree, DataOutput out) throws IOException {
        write(tree, out, WalkListener.NONE);
    }

    /**
     * The walk follows node objects, not paths: each node is copied under its monitor together with the
     * DataNode of every child it lists at that moment, and those very objects are copied next. So a child
     * always belongs to the parent incarnation written before it, even when the writer deletes and
     * recreates paths meanwhile. A child deleted after its parent was copied is still written (as it was
     * last): its delete, or the session close that removed it, comes after the recorded zxid and the replay
     * removes it again, raising the parent's pzxid as the live tree did (ZOOKEEPER-3145). Looking children
     * up by path instead could pair a parent with a later incarnation of its child, or skip a child whose
     * session close the replay then cannot see.
     */
    static void write(DataTree tree, DataOutput out, WalkListener listener) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeLong(tree.lastProcessedZxid());
        Deque<Pending> todo = new ArrayDeque<>();
        todo.push(new Pending(DataTree.ROOT, tree.nodes().get(DataTree.ROOT)));
        while (!todo.isEmpty()) {
            Pending next = todo.pop();
            String path = next.path();
            listener.beforeCopy(path);
            DataNode.Snapshot s;
            String[] children;
            DataNode[] childNodes;
            synchronized (next.node()) {
                s = next.node().snapshot();
                children = s.children();
                Arrays.sort(children); // deterministic output; pushed in reverse so they pop in order
                childNodes = new DataNode[children.length];
                for (int i = 0; i < children.length; i++) {
                    // While the parent's monitor is held, a listed child is in the map: the writer puts a
                    // node before listing it and unlists it before removing it (see DataTree.create/delete).
                    childNodes[i] = tree.nodes().get(Paths.child(path, children[i]));
                    if (childNodes[i] == null) {
                        throw new IllegalStateException(path + " lists " + children[i] + " but it is not in the tree");
                    }
                }
            }
            writeString(out, path);
            writeBuffer(out, s.data());
            out.writeInt(s.acl().size());
            for (Acl a : s.acl()) {
                out.writeInt(a == null ? 0 : a.perms());
                writeString(out, a == null || a.id() == null ? null : a.id().scheme());
                writeString(out, a == null || a.id() == null ? null : a.id().id());
            }
            s.stat().write(out);
            for (int i = children.length - 1; i >= 0; i--) {
                todo.push(new Pending(Paths.child(path, children[i]), childNodes[i]));
            }
        }
        writeString(out, null);
    }

    /** A node the walk has yet to copy, with the path its parent listed it under. */
    private record Pending(String path, DataNode node) {}

    /**
     * Rebuilds the tree in one pass. The stream is depth-first, so the reader keeps the chain of ancestors of
     * the last node and finds each node's parent on it (no parent-path substring and lookup per node), and it
     * decodes each distinct ACL section once: equal raw bytes map to the tree's one shared list.
     */
    static void read(DataTree tree, DataInput in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a tree snapshot");
        }
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("unknown tree snapshot format " + format);
        }
        tree.setLastProcessedZxid(in.readLong());
        AclReader acls = new AclReader();
        List<String> chainPaths = new ArrayList<>();
        List<DataNode> chainNodes = new ArrayList<>();
        for (String path = readString(in); path != null; path = readString(in)) {
            byte[] data = JuteStreams.readBuffer(in, MAX_LENGTH);
            List<Acl> acl = acls.read(in);
            DataNode node = new DataNode(data, tree.acquireAcl(acl), StatPersisted.read(in));
            DataNode parent = null;
            if (!DataTree.ROOT.equals(path)) {
                int slash = path.lastIndexOf('/');
                for (int depth = chainPaths.size(); depth > 0; depth--) {
                    String top = chainPaths.get(depth - 1);
                    int end = top.length() == 1 ? 0 : top.length(); // the root "/" is the parent at slash 0
                    if (slash == end && path.startsWith(top)) {
                        parent = chainNodes.get(depth - 1);
                        break;
                    }
                    chainPaths.remove(depth - 1);
                    chainNodes.remove(depth - 1);
                }
            }
            tree.load(path, node, parent); // parent null: looked up by path (any order a reader accepts)
            chainPaths.add(path);
            chainNodes.add(node);
        }
        tree.finishLoad();
    }

    /**
     * Reads a node's ACL section (count, then perms, scheme, id per entry), decoding each distinct raw byte
     * sequence once; returns a list equal to what was written (the tree interns it).
     */
    private static final class AclReader {
        private final Map<ByteBuffer, List<Acl>> decoded = new HashMap<>();
        private byte[] raw = new byte[256];
        private int len;

        List<Acl> read(DataInput in) throws IOException {
            len = 0;
            int aclCount = in.readInt();
            if (aclCount < 0 || aclCount > MAX_LENGTH) {
                throw new IOException("bad acl count " + aclCount);
            }
            for (int i = 0; i < aclCount; i++) {
                putInt(in.readInt());
                copyBytes(in);
                copyBytes(in);
            }
            List<Acl> hit = decoded.get(ByteBuffer.wrap(raw, 0, len));
            if (hit != null) {
                return hit;
            }
            DataInputStream entries = new DataInputStream(new ByteArrayInputStream(raw, 0, len));
            List<Acl> acl = new ArrayList<>(aclCount);
            for (int i = 0; i < aclCount; i++) {
                int perms = entries.readInt();
                acl.add(new Acl(perms, new Id(readString(entries), readString(entries))));
            }
            if (decoded.size() < 1024) { // a bound: a snapshot with many distinct ACLs just decodes each
                decoded.put(ByteBuffer.wrap(Arrays.copyOf(raw, len)), acl);
            }
            return acl;
        }

        /** Copies a length-prefixed byte string (-1 = null) into raw, length included. */
        private void copyBytes(DataInput in) throws IOException {
            int n = in.readInt();
            putInt(n);
            if (n == -1) {
                return;
            }
            if (n < 0 || n > MAX_LENGTH) {
                throw new IOException("bad length " + n);
            }
            ensure(n);
            in.readFully(raw, len, n);
            len += n;
        }

        private void putInt(int v) {
            ensure(4);
            raw[len++] = (byte) (v >>> 24);
            raw[len++] = (byte) (v >>> 16);
            raw[len++] = (byte) (v >>> 8);
            raw[len++] = (byte) v;
        }

        private void ensure(int more) {
            if (len + more > raw.length) {
                raw = Arrays.copyOf(raw, Math.max(raw.length * 2, len + more));
            }
        }
    }

    private static String readString(DataInput in) throws IOException {
        return JuteStreams.readString(in, MAX_LENGTH);
    }
}
