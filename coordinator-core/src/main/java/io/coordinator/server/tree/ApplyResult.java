package io.coordinator.server.tree;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Stat;
import java.util.List;

/**
 * The outcome of applying one txn.
 *
 * @param err   Code.OK or the error (for a multi: the first failing op's code)
 * @param path  the node's path for create/delete/setData/setACL/check, else null
 * @param stat  the node's client-visible Stat after create/setData/setACL, else null
 * @param multi one result per op for Txn.Multi, else null
 */
public record ApplyResult(int err, String path, Stat stat, List<ApplyResult> multi) {

    static ApplyResult ok(String path, Stat stat) {
        return new ApplyResult(Code.OK, path, stat, null);
    }

    static ApplyResult error(int err, String path) {
        return new ApplyResult(err, path, null, null);
    }

    public boolean isOk() {
        return err == Code.OK;
    }
}
