package io.coordinator.jmh;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.tree.DataTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/** Snapshot write/read: DataTree.serialize / deserialize of {@code nodes} znodes (in memory, buffered). */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SnapshotBench extends ShortRun {

    @Param({"100000"})
    public int nodes;

    private DataTree tree;
    private byte[] snapshot;

    @Setup
    public void setup() throws IOException {
        tree = new DataTree();
        long zxid = 0;
        byte[] value = new byte[100];
        int buckets = Math.max(1, nodes / 1000);
        for (int b = 0; b < buckets; b++) {
            tree.apply(
                    new TxnHeader(1, 1, ++zxid, 0, OpCode.CREATE),
                    new Txn.Create("/b" + b, new byte[0], Acl.OPEN_ACL_UNSAFE, 0, b + 1));
        }
        for (int i = 0; i < nodes; i++) {
            tree.apply(
                    new TxnHeader(1, 1, ++zxid, 0, OpCode.CREATE),
                    new Txn.Create("/b" + (i % buckets) + "/n" + i, value, Acl.OPEN_ACL_UNSAFE, 0, i / buckets + 1));
        }
        snapshot = write();
    }

    @Benchmark
    public byte[] write() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(snapshot == null ? 1 << 20 : snapshot.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            tree.serialize(out);
        }
        return bytes.toByteArray();
    }

    @Benchmark
    public DataTree read() throws IOException {
        return DataTree.deserialize(new DataInputStream(new ByteArrayInputStream(snapshot)));
    }
}
