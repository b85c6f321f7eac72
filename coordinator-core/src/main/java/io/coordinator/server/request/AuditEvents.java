package io.coordinator.server.request;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.tree.ApplyResult;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an answered write into audit events the way ZooKeeper 3.9's AuditHelper does: one event per create,
 * delete, setData, setAcl and reconfig; a successful multi gives one event per create/delete/setData inside it
 * (checks are not audited) and, beyond ZooKeeper, one {@code multiOperation} event for the multi itself; a
 * failed multi gives only the {@code multiOperation} failure. Reads, sync and a lone check give none.
 */
final class AuditEvents {
    private static final Logger log = LoggerFactory.getLogger(AuditEvents.class);
    static final String CREATE = "create";
    static final String DELETE = "delete";
    static final String SET_DATA = "setData";
    static final String SET_ACL = "setAcl";
    static final String MULTI = "multiOperation";
    static final String RECONFIG = "reconfig";
    static final String CREATE_SESSION = "createSession";
    static final String CLOSE_SESSION = "closeSession";

    private static final String[] CREATE_MODES = {
        "persistent",
        "ephemeral",
        "persistent_sequential",
        "ephemeral_sequential",
        "container",
        "persistent_with_ttl",
        "persistent_sequential_with_ttl"
    };

    private AuditEvents() {}

    /**
     * The client's write {@code type} was answered from {@code record} applied with {@code result}. A failure to
     * audit is logged and never keeps the reply from the client.
     */
    static void write(
            AuditSink sink, ConnectionState st, int type, Requests.Body body, TxnRecord record, ApplyResult result) {
        try {
            report(sink, st, type, body, record, result);
        } catch (RuntimeException e) {
            log.error("Could not audit opcode {} of {} at zxid 0x{}", type, st, Long.toHexString(record.zxid()), e);
        }
    }

    private static void report(
            AuditSink sink, ConnectionState st, int type, Requests.Body body, TxnRecord record, ApplyResult result) {
        Txn txn = record.txn();
        int err = txn instanceof Txn.Error e ? e.err() : result.err();
        switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL -> {
                Requests.Create c = (Requests.Create) body;
                String path = err == Code.OK && result.path() != null ? result.path() : c.path();
                sink.write(event(st, record, CREATE, path, c.acl(), createMode(c.flags()), err));
            }
            case OpCode.DELETE ->
                sink.write(event(st, record, DELETE, ((Requests.Delete) body).path(), null, null, err));
            case OpCode.DELETE_CONTAINER ->
                sink.write(event(st, record, DELETE, ((Requests.PathOnly) body).path(), null, null, err));
            case OpCode.SET_DATA ->
                sink.write(event(st, record, SET_DATA, ((Requests.SetData) body).path(), null, null, err));
            case OpCode.SET_ACL -> {
                Requests.SetAcl a = (Requests.SetAcl) body;
                sink.write(event(st, record, SET_ACL, a.path(), a.acl(), null, err));
            }
            case OpCode.RECONFIG -> sink.write(event(st, record, RECONFIG, "/zookeeper/config", null, null, err));
            case OpCode.MULTI -> multi(sink, st, (Requests.Multi) body, record, result, err);
            case OpCode.CLOSE_SESSION -> sink.write(event(st, record, CLOSE_SESSION, null, null, null, err));
            default -> {} // check: not a change
        }
    }

    /** The session {@code st} was created by {@code record}. */
    static void sessionCreated(AuditSink sink, ConnectionState st, TxnRecord record) {
        try {
            sink.write(event(st, record, CREATE_SESSION, null, null, null, Code.OK));
        } catch (RuntimeException e) {
            log.error("Could not audit the new session of {}", st, e);
        }
    }

    private static void multi(
            AuditSink sink, ConnectionState st, Requests.Multi body, TxnRecord record, ApplyResult result, int err) {
        if (err == Code.OK && record.txn() instanceof Txn.Multi m) {
            err = firstError(m); // a failed multi is logged as error txns, one per op
        }
        if (err == Code.OK && result.multi() != null) {
            for (int i = 0; i < body.ops().size() && i < result.multi().size(); i++) {
                Requests.Op op = body.ops().get(i);
                String path = result.multi().get(i).path();
                switch (op.type()) {
                    case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL -> {
                        Requests.Create c = (Requests.Create) op.body();
                        sink.write(event(st, record, CREATE, path, c.acl(), createMode(c.flags()), Code.OK));
                    }
                    case OpCode.DELETE -> sink.write(event(st, record, DELETE, path, null, null, Code.OK));
                    case OpCode.SET_DATA -> sink.write(event(st, record, SET_DATA, path, null, null, Code.OK));
                    default -> {} // check
                }
            }
        }
        sink.write(event(st, record, MULTI, null, null, null, err));
    }

    /** The code of the op that failed a multi (the others carry 0 or RUNTIMEINCONSISTENCY), or OK. */
    private static int firstError(Txn.Multi m) {
        int fallback = Code.OK;
        for (Txn t : m.txns()) {
            if (t instanceof Txn.Error e && e.err() != Code.OK) {
                if (e.err() != Code.RUNTIMEINCONSISTENCY) {
                    return e.err();
                }
                fallback = e.err();
            }
        }
        return fallback;
    }

    private static String createMode(int flags) {
        return flags >= 0 && flags < CREATE_MODES.length ? CREATE_MODES[flags] : null;
    }

    private static AuditEvent event(
            ConnectionState st,
            TxnRecord record,
            String operation,
            String path,
            List<Acl> acl,
            String znodeType,
            int err) {
        return new AuditEvent(
                record.header().time(),
                st.sessionId,
                st.authIds(),
                st.connection.remoteSocketAddress(),
                operation,
                path,
                acl,
                znodeType,
                record.zxid(),
                err);
    }
}
