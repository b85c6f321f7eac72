package io.coordinator.server.tree;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Id;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

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

    private TreeCodec() {
    }

    /** A seam for tests: told, on the snapshot thread, just before each node is copied. */
    interface WalkListener {
        WalkListener NONE = path -> { };

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
            writeBytes(out, s.data());
            out.writeInt(s.acl().size());
            for (Acl a : s.acl()) {
                out.writeInt(a == null ? 0 : a.perms());
                writeString(out, a == null || a.id() == null ? null : a.id().scheme());
                writeString(out, a == null || a.id() == null ? null : a.id().id());
            }
            out.writeLong(s.czxid());
            out.writeLong(s.mzxid());
            out.writeLong(s.ctime());
            out.writeLong(s.mtime());
            out.writeInt(s.version());
            out.writeInt(s.cversion());
            out.writeInt(s.aversion());
            out.writeLong(s.ephemeralOwner());
            out.writeLong(s.pzxid());
            for (int i = children.length - 1; i >= 0; i--) {
                todo.push(new Pending(Paths.child(path, children[i]), childNodes[i]));
            }
        }
        writeString(out, null);
    }

    /** A node the walk has yet to copy, with the path its parent listed it under. */
    private record Pending(String path, DataNode node) {
    }

    static void read(DataTree tree, DataInput in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a tree snapshot");
        }
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("unknown tree snapshot format " + format);
        }
        tree.setLastProcessedZxid(in.readLong());
        for (String path = readString(in); path != null; path = readString(in)) {
            byte[] data = readBytes(in);
            int aclCount = in.readInt();
            if (aclCount < 0 || aclCount > MAX_LENGTH) {
                throw new IOException("bad acl count " + aclCount);
            }
            List<Acl> acl = new ArrayList<>(aclCount);
            for (int i = 0; i < aclCount; i++) {
                int perms = in.readInt();
                acl.add(new Acl(perms, new Id(readString(in), readString(in))));
            }
            DataNode node = new DataNode(data, tree.acquireAcl(acl), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    in.readInt(), in.readInt(), in.readInt(), in.readLong(), in.readLong());
            tree.load(path, node);
        }
        tree.finishLoad();
    }

    private static void writeString(DataOutput out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInput in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutput out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInput in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > MAX_LENGTH) {
            throw new IOException("bad length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
