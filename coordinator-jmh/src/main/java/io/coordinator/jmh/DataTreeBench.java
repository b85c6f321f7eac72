package io.coordinator.jmh;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.tree.ApplyResult;
import io.coordinator.server.tree.DataTree;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/** DataTree.apply (create, setData) and getData on a tree of {@code nodes} znodes. */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DataTreeBench extends ShortRun {

    @Param({"10000"})
    public int nodes;

    @Param({"100"})
    public int valueSize;

    private DataTree tree;
    private byte[] value;
    private long zxid;
    private int next;
    private int cversion;
    private String[] paths;

    @Setup(Level.Iteration)
    public void setup() {
        tree = new DataTree();
        value = new byte[valueSize];
        zxid = 0;
        apply(new Txn.Create("/b", new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 1), OpCode.CREATE);
        paths = new String[nodes];
        for (int i = 0; i < nodes; i++) {
            paths[i] = "/b/n" + i;
            apply(new Txn.Create(paths[i], value, Acl.OPEN_ACL_UNSAFE, 0, ++cversion), OpCode.CREATE);
        }
        next = nodes;
    }

    private ApplyResult apply(Txn txn, int type) {
        return tree.apply(new TxnHeader(1L, 1, ++zxid, 1_700_000_000_000L, type), txn);
    }

    /** Creates a new znode under /b per call (the tree grows during the iteration). */
    @Benchmark
    public ApplyResult create() {
        return apply(new Txn.Create("/b/c" + (next++), value, Acl.OPEN_ACL_UNSAFE, 0, ++cversion), OpCode.CREATE);
    }

    @Benchmark
    public ApplyResult setData() {
        return apply(new Txn.SetData(paths[(next++) % nodes], value, 1), OpCode.SET_DATA);
    }

    @Benchmark
    public Object getData() {
        return tree.getData(paths[(next++) % nodes], null);
    }
}
