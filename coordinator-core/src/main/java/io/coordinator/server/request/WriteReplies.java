package io.coordinator.server.request;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.tree.ApplyResult;
import java.util.List;

/** Builds the reply to a write from its applied txn, in the shape each opcode's response record has. */
final class WriteReplies {
    private WriteReplies() {}

    static Reply of(int type, Requests.Body body, Txn txn, ApplyResult result) {
        if (txn instanceof Txn.Error err) {
            return Reply.error(err.err());
        }
        if (type == OpCode.MULTI) {
            return multi((Requests.Multi) body, (Txn.Multi) txn, result);
        }
        if (result.err() != Code.OK) {
            return Reply.error(result.err());
        }
        return switch (type) {
            case OpCode.CREATE -> Reply.ok(out -> out.writeString(result.path()));
            case OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL ->
                Reply.ok(out -> {
                    out.writeString(result.path());
                    result.stat().write(out);
                });
            case OpCode.SET_DATA, OpCode.SET_ACL -> Reply.ok(result.stat());
            case OpCode.RECONFIG ->
                // as ZooKeeper's FinalRequestProcessor: a GetDataResponse of the new config and its Stat
                Reply.ok(out -> {
                    out.writeBuffer(((Txn.Reconfig) txn).data());
                    result.stat().write(out);
                });
            default -> Reply.EMPTY; // delete, check, deleteContainer, closeSession
        };
    }

    private static Reply multi(Requests.Multi request, Txn.Multi txn, ApplyResult result) {
        List<ApplyResult> results = result.multi();
        // A failed multi was logged as error txns only: every result is an error (0 = rolled back).
        boolean failed = txn.txns().stream().anyMatch(t -> t instanceof Txn.Error);
        return Reply.ok(out -> {
            for (int i = 0; i < txn.txns().size(); i++) {
                if (failed) {
                    int code = ((Txn.Error) txn.txns().get(i)).err();
                    out.writeInt(OpCode.ERROR).writeBool(false).writeInt(code).writeInt(code);
                } else {
                    writeOpResult(out, request.ops().get(i).type(), results.get(i));
                }
            }
            out.writeInt(-1).writeBool(true).writeInt(-1);
        });
    }

    private static void writeOpResult(JuteWriter out, int opType, ApplyResult r) {
        if (r.err() != Code.OK) {
            out.writeInt(OpCode.ERROR).writeBool(false).writeInt(r.err());
            out.writeInt(r.err());
            return;
        }
        switch (opType) {
            case OpCode.CREATE -> {
                out.writeInt(OpCode.CREATE).writeBool(false).writeInt(0);
                out.writeString(r.path());
            }
            case OpCode.CREATE2, OpCode.CREATE_TTL, OpCode.CREATE_CONTAINER -> {
                out.writeInt(OpCode.CREATE2).writeBool(false).writeInt(0);
                out.writeString(r.path());
                r.stat().write(out);
            }
            case OpCode.SET_DATA -> {
                out.writeInt(OpCode.SET_DATA).writeBool(false).writeInt(0);
                r.stat().write(out);
            }
            default -> out.writeInt(opType).writeBool(false).writeInt(0); // delete, check
        }
    }
}
