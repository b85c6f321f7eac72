package io.coordinator.jmh;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.tree.ApplyResult;
import io.coordinator.server.tree.DataTree;
import io.coordinator.server.tree.Watcher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Watch trigger: {@code watchers} distinct watchers arm a data watch on one node (getData with a watcher),
 * then a setData fires them all. {@code armOnly} measures arming alone, so trigger cost ~ armAndFire - armOnly.
 * {@code otherWatchedPaths} unrelated watched nodes check that triggering is proportional to the watchers
 * affected, not to all watches.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WatchBench extends ShortRun {

    @Param({"1", "100", "1000"})
    public int watchers;

    @Param({"0", "10000"})
    public int otherWatchedPaths;

    private DataTree tree;
    private Watcher[] ws;
    private long zxid;
    private final byte[] value = new byte[100];
    private Blackhole bh;

    @Setup
    public void setup(Blackhole bh) {
        this.bh = bh;
        tree = new DataTree();
        tree.apply(
                new TxnHeader(1, 1, ++zxid, 0, OpCode.CREATE), new Txn.Create("/w", value, Acl.OPEN_ACL_UNSAFE, 0, 1));
        ws = new Watcher[watchers];
        for (int i = 0; i < watchers; i++) {
            ws[i] = (event, z, acl) -> this.bh.consume(event);
        }
        Watcher other = (event, z, acl) -> {};
        for (int i = 0; i < otherWatchedPaths; i++) {
            tree.apply(
                    new TxnHeader(1, 1, ++zxid, 0, OpCode.CREATE),
                    new Txn.Create("/o" + i, value, Acl.OPEN_ACL_UNSAFE, 0, i + 2));
            tree.getData("/o" + i, other);
        }
    }

    @Benchmark
    public ApplyResult armAndFire() {
        for (Watcher w : ws) {
            tree.getData("/w", w);
        }
        return tree.apply(new TxnHeader(1, 1, ++zxid, 0, OpCode.SET_DATA), new Txn.SetData("/w", value, 1));
    }

    @Benchmark
    public void armOnly() {
        for (Watcher w : ws) {
            tree.getData("/w", w);
        }
        // clear them without a trigger being measured separately: remove this watcher set
        for (Watcher w : ws) {
            tree.removeWatcher(w);
        }
    }
}
