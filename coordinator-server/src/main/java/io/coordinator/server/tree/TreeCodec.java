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

    static void write(DataTree tree, DataOutput out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeLong(tree.lastProcessedZxid());
        Deque<String> todo = new ArrayDeque<>();
        todo.push(DataTree.ROOT);
        while (!todo.isEmpty()) {
            String path = todo.pop();
            DataNode node = tree.nodes().get(path);
            if (node == null) {
                continue; // deleted since its parent was copied: the log replay settles it
            }
            DataNode.Snapshot s = node.snapshot();
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
            String[] children = s.children();
            Arrays.sort(children); // deterministic output; pushed in reverse so they pop in order
            for (int i = children.length - 1; i >= 0; i--) {
                todo.push(Paths.child(path, children[i]));
            }
        }
        writeString(out, null);
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
            DataNode node = new DataNode(data, acl, in.readLong(), in.readLong(), in.readLong(), in.readLong(),
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
