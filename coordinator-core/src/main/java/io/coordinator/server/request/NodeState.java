package io.coordinator.server.request;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.tree.DataNode;
import java.util.List;

/**
 * What preparation needs to know about a node, as it will be once every txn prepared so far is applied
 * (ZooKeeper's ChangeRecord). {@code exists == false} records a pending delete.
 */
record NodeState(
        long zxid,
        String path,
        boolean exists,
        byte[] data,
        List<Acl> acl,
        int version,
        int storedCversion,
        int aversion,
        long ephemeralOwner,
        int numChildren) {

    static NodeState of(DataNode n, String path) {
        return new NodeState(
                n.mzxid(),
                path,
                true,
                n.data(),
                n.acl(),
                n.version(),
                n.storedCversion(),
                n.aversion(),
                n.ephemeralOwner(),
                n.numChildren());
    }

    NodeState deleted(long atZxid) {
        return new NodeState(atZxid, path, false, null, acl, version, storedCversion, aversion, ephemeralOwner, 0);
    }

    NodeState withChildAdded(long atZxid, int newStoredCversion) {
        return new NodeState(
                atZxid, path, exists, data, acl, version, newStoredCversion, aversion, ephemeralOwner, numChildren + 1);
    }

    NodeState withChildRemoved(long atZxid) {
        return new NodeState(
                atZxid, path, exists, data, acl, version, storedCversion, aversion, ephemeralOwner, numChildren - 1);
    }

    NodeState withData(long atZxid, byte[] newData, int newVersion) {
        return new NodeState(
                atZxid, path, exists, newData, acl, newVersion, storedCversion, aversion, ephemeralOwner, numChildren);
    }

    NodeState withAcl(long atZxid, List<Acl> newAcl, int newAversion) {
        return new NodeState(
                atZxid, path, exists, data, newAcl, version, storedCversion, newAversion, ephemeralOwner, numChildren);
    }

    int dataLength() {
        return data == null ? 0 : data.length;
    }
}
