package io.coordinator.server.storage.zookeeper;

import static io.coordinator.server.protocol.JuteStreams.writeBuffer;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.storage.FileUtil;
import io.coordinator.server.storage.StorageFaults;
import io.coordinator.server.tree.DataNode;
import io.coordinator.server.tree.DataTree;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.Adler32;
import java.util.zip.CheckedOutputStream;

/**
 * Writes a tree as an Apache ZooKeeper 3.5-3.9 snapshot, the layout {@link ZkSnapshotFile} reads (FileSnap's
 * format, version 2), so that ZooKeeper can start on what Coordinator holds: the nodes parents first with their
 * full Stat and ACLs (through an ACL table; world:anyone ALL as ZooKeeper's -1), the sessions, and the seal. It
 * is an exact snapshot (no log needs replaying after it) and carries no digest section, which ZooKeeper reads
 * as a snapshot from before digests: it loads it without comparing one.
 */
public final class ZkSnapshotWriter {
    private static final long OPEN_ACL_REF = -1;

    private ZkSnapshotWriter() {}

    /**
     * Writes {@code dataDir/version-2/snapshot.<zxid>} for {@code tree} (its last processed zxid) and
     * {@code sessions}, through a temporary file fsynced and renamed; returns the file.
     */
    public static Path write(Path dataDir, DataTree tree, Map<Long, Integer> sessions) throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve(ZkDataDir.VERSION_DIR));
        long zxid = tree.lastProcessedZxid();
        Path file = dir.resolve(ZkSnapshotFile.PREFIX + "." + Long.toHexString(zxid));
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                        tmp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                OutputStream raw = Channels.newOutputStream(ch)) {
            CheckedOutputStream checked =
                    new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), new Adler32());
            DataOutputStream out = new DataOutputStream(checked);
            write(out, tree, sessions);
            out.flush();
            out.writeLong(checked.getChecksum().getValue());
            writeString(out, "/");
            out.flush();
            ch.force(true);
        }
        FileUtil.atomicMove(tmp, file, StorageFaults.NONE);
        FileUtil.fsyncDirectory(dir, StorageFaults.NONE);
        return file;
    }

    private static void write(DataOutputStream out, DataTree tree, Map<Long, Integer> sessions) throws IOException {
        out.writeInt(ZkSnapshotFile.MAGIC);
        out.writeInt(2);
        out.writeLong(-1); // dbid, as ZooKeeper writes it
        out.writeInt(sessions.size());
        for (var s : sessions.entrySet()) {
            out.writeLong(s.getKey());
            out.writeInt(s.getValue());
        }
        List<String> paths = parentsFirst(tree);
        Map<List<Acl>, Long> aclRefs = new LinkedHashMap<>();
        for (String path : paths) {
            List<Acl> acl = tree.getNode(path).acl();
            if (!acl.equals(Acl.OPEN_ACL_UNSAFE)) {
                aclRefs.putIfAbsent(acl, (long) aclRefs.size() + 1);
            }
        }
        out.writeInt(aclRefs.size());
        for (var e : aclRefs.entrySet()) {
            out.writeLong(e.getValue());
            out.writeInt(e.getKey().size());
            for (Acl a : e.getKey()) {
                out.writeInt(a.perms());
                writeString(out, a.id().scheme());
                writeString(out, a.id().id());
            }
        }
        for (String path : paths) {
            DataNode n = tree.getNode(path);
            writeString(out, path.equals("/") ? "" : path);
            writeBuffer(out, n.data());
            out.writeLong(n.acl().equals(Acl.OPEN_ACL_UNSAFE) ? OPEN_ACL_REF : aclRefs.get(n.acl()));
            n.persisted().write(out);
        }
        writeString(out, "/"); // the end of the nodes
    }

    /** Every path, each parent before its children (ZooKeeper links a node to the parent it has already read). */
    private static List<String> parentsFirst(DataTree tree) {
        List<String> out = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>(List.of("/"));
        while (!todo.isEmpty()) {
            String path = todo.removeFirst();
            DataNode n = tree.getNode(path);
            if (n == null) {
                continue;
            }
            out.add(path);
            for (String child : new TreeSet<>(n.childNames())) {
                todo.addLast(path.equals("/") ? "/" + child : path + "/" + child);
            }
        }
        return out;
    }

    /** Paths and ACL ids are never null here (a null would fail the export rather than be written as -1). */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBuffer(out, s.getBytes(StandardCharsets.UTF_8));
    }
}
