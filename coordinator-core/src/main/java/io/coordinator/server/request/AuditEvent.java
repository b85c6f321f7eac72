package io.coordinator.server.request;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Id;
import java.util.List;

/**
 * One audited state change as the server that holds the client's session answered it. Carries the raw
 * identities and ACLs: whoever writes it out must leave secrets out (a digest id's hash).
 *
 * @param timeMs     the txn's time (ms since the epoch; the same clock as a znode's mtime)
 * @param operation  ZooKeeper's audit name: create, delete, setData, setAcl, multiOperation, reconfig; and
 *                   createSession, closeSession (which ZooKeeper does not audit)
 * @param path       the znode (the created one for a sequential create), null for session operations
 * @param acl        the ACL a create or setAcl asked for, else null
 * @param znodeType  the create mode of a create (persistent, ephemeral_sequential, ...), else null
 * @param zxid       the txn's zxid
 * @param err        Code.OK or the error the client got
 */
public record AuditEvent(
        long timeMs,
        long sessionId,
        List<Id> users,
        String address,
        String operation,
        String path,
        List<Acl> acl,
        String znodeType,
        long zxid,
        int err) {

    public boolean success() {
        return err == Code.OK;
    }
}
