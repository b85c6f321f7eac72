package io.coordinator.server.storage.zookeeper;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.ProtocolException;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one Apache ZooKeeper log entry (TxnHeader, the txn record of its type, optionally a TxnDigest) into
 * this server's {@link TxnRecord}, following the records of ZooKeeper's zookeeper.jute (3.5 to 3.9) and the
 * way its DataTree applies them: an ephemeral create is owned by the header's session, a container or TTL
 * create stores ZooKeeper's owner markers, a reconfig is a setData of /zookeeper/config.
 */
final class ZkTxns {
    /** TxnDigest: int version, long treeDigest (3.6+, when zookeeper.digest.enabled). */
    private static final int DIGEST_BYTES = 12;

    private ZkTxns() {}

    /** @throws ProtocolException when the bytes are not a txn ZooKeeper 3.5-3.9 writes */
    static TxnRecord decode(byte[] bytes) {
        JuteReader in = new JuteReader(bytes);
        TxnHeader h = TxnHeader.read(in);
        Txn txn;
        if (h.type() == OpCode.CLOSE_SESSION) {
            txn = new Txn.CloseSession(h.clientId());
            skipCloseSessionBody(bytes, in.position());
            return new TxnRecord(h, txn); // the ephemerals to delete are the session's, whatever the body lists
        }
        txn = read(h.type(), h.clientId(), in, false);
        if (in.remaining() != 0 && in.remaining() != DIGEST_BYTES) {
            throw new ProtocolException(in.remaining() + " unexpected bytes after a txn of type " + h.type());
        }
        // A multi's record type stays MULTI; every other type maps to this server's single create/delete/setData.
        return new TxnRecord(new TxnHeader(h.clientId(), h.cxid(), h.zxid(), h.time(), txn.type()), txn);
    }

    /**
     * A closeSession has no body before 3.6, a CloseSessionTxn (the paths to delete) after, and maybe a digest:
     * only the shape is checked.
     */
    private static void skipCloseSessionBody(byte[] bytes, int offset) {
        int left = bytes.length - offset;
        if (left == 0 || left == DIGEST_BYTES && !vectorOfStringsFits(bytes, offset)) {
            return;
        }
        JuteReader in = new JuteReader(bytes, offset, left);
        int n = in.readVectorSize();
        for (int i = 0; i < n; i++) {
            in.readString();
        }
        if (in.remaining() != 0 && in.remaining() != DIGEST_BYTES) {
            throw new ProtocolException(in.remaining() + " unexpected bytes after a closeSession txn");
        }
    }

    private static boolean vectorOfStringsFits(byte[] bytes, int offset) {
        try {
            JuteReader in = new JuteReader(bytes, offset, bytes.length - offset);
            int n = in.readVectorSize();
            for (int i = 0; i < n; i++) {
                in.readString();
            }
            return in.remaining() == 0;
        } catch (ProtocolException e) {
            return false;
        }
    }

    private static Txn read(int type, long clientId, JuteReader in, boolean inMulti) {
        switch (type) {
            case OpCode.CREATE, OpCode.CREATE2 -> {
                String path = in.readString();
                byte[] data = in.readBuffer();
                List<Acl> acl = Acl.readList(in);
                boolean ephemeral = in.readBool();
                return new Txn.Create(path, data, acl, ephemeral ? clientId : 0, in.readInt());
            }
            case OpCode.CREATE_CONTAINER -> {
                String path = in.readString();
                byte[] data = in.readBuffer();
                List<Acl> acl = Acl.readList(in);
                return new Txn.Create(path, data, acl, Txn.CONTAINER_OWNER, in.readInt());
            }
            case OpCode.CREATE_TTL -> {
                String path = in.readString();
                byte[] data = in.readBuffer();
                List<Acl> acl = Acl.readList(in);
                int parentCVersion = in.readInt();
                long ttl = in.readLong();
                if (ttl <= 0 || ttl > Txn.MAX_TTL) {
                    throw new ProtocolException("createTTL txn with ttl " + ttl);
                }
                return new Txn.Create(path, data, acl, Txn.TTL_OWNER_BITS | ttl, parentCVersion);
            }
            case OpCode.DELETE, OpCode.DELETE_CONTAINER -> {
                return new Txn.Delete(in.readString());
            }
            case OpCode.SET_DATA, OpCode.RECONFIG -> {
                return new Txn.SetData(in.readString(), in.readBuffer(), in.readInt());
            }
            case OpCode.SET_ACL -> {
                return new Txn.SetAcl(in.readString(), Acl.readList(in), in.readInt());
            }
            case OpCode.CHECK -> {
                return new Txn.Check(in.readString(), in.readInt());
            }
            case OpCode.ERROR -> {
                return new Txn.Error(in.readInt());
            }
            case OpCode.CREATE_SESSION -> {
                if (inMulti) {
                    break;
                }
                return new Txn.CreateSession(clientId, in.readInt());
            }
            case OpCode.MULTI -> {
                if (inMulti) {
                    break;
                }
                int n = in.readVectorSize();
                List<Txn> ops = new ArrayList<>(Math.max(n, 0));
                for (int i = 0; i < n; i++) {
                    int subType = in.readInt();
                    byte[] sub = in.readBuffer();
                    JuteReader subIn = new JuteReader(sub == null ? new byte[0] : sub);
                    ops.add(read(subType, clientId, subIn, true));
                    if (subIn.hasRemaining()) {
                        throw new ProtocolException(
                                subIn.remaining() + " unexpected bytes in a multi's op of type " + subType);
                    }
                }
                return new Txn.Multi(ops);
            }
            default -> {}
        }
        throw new ProtocolException(
                "txn type " + type + (inMulti ? " inside a multi" : "") + " is not one" + " ZooKeeper 3.5-3.9 logs");
    }
}
