package io.coordinator.server.tree;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Drives a DataTree the way the request pipeline will: one txn per call, zxids and times counting up. */
final class TreeOps {
    final DataTree tree;
    long zxid;
    long time = 1_000;
    long session = 0x1234L;

    TreeOps() {
        this(new DataTree());
    }

    TreeOps(DataTree tree) {
        this.tree = tree;
        this.zxid = tree.lastProcessedZxid();
    }

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    TxnHeader next(int type) {
        zxid++;
        time += 10;
        return new TxnHeader(session, (int) zxid, zxid, time, type);
    }

    /** The parent's stored cversion after this create, as the pipeline computes it. */
    int nextParentCversion(String path) {
        String parent = Paths.parent(path);
        DataNode p = tree.getNode(parent);
        return p == null ? 0 : p.storedCversion() + 1;
    }

    Txn.Create createTxn(String path, byte[] data, long owner) {
        return new Txn.Create(path, data, Acl.OPEN_ACL_UNSAFE, owner, nextParentCversion(path));
    }

    ApplyResult create(String path, String data) {
        return create(path, bytes(data), 0);
    }

    ApplyResult create(String path, byte[] data, long owner) {
        Txn.Create txn = createTxn(path, data, owner);
        return tree.apply(next(OpCode.CREATE), txn);
    }

    ApplyResult ephemeral(String path, long sessionId) {
        return create(path, bytes("e"), sessionId);
    }

    ApplyResult delete(String path) {
        return tree.apply(next(OpCode.DELETE), new Txn.Delete(path));
    }

    ApplyResult setData(String path, String data) {
        DataNode n = tree.getNode(path);
        int version = n == null ? 1 : n.version() + 1;
        return tree.apply(next(OpCode.SET_DATA), new Txn.SetData(path, bytes(data), version));
    }

    ApplyResult setAcl(String path, List<Acl> acl) {
        DataNode n = tree.getNode(path);
        int version = n == null ? 1 : n.aversion() + 1;
        return tree.apply(next(OpCode.SET_ACL), new Txn.SetAcl(path, acl, version));
    }

    ApplyResult closeSession(long sessionId) {
        return tree.apply(next(OpCode.CLOSE_SESSION), new Txn.CloseSession(sessionId));
    }

    ApplyResult multi(Txn... txns) {
        return tree.apply(next(OpCode.MULTI), new Txn.Multi(List.of(txns)));
    }
}
