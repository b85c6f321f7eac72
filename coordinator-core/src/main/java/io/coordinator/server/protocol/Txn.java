package io.coordinator.server.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * A state change, decided once (by the standalone server or the leader) and then applied identically
 * everywhere: what the log stores and what replication carries. Applying a txn needs nothing but the
 * txn, its header and the current tree, so it is deterministic.
 */
public sealed interface Txn extends JuteRecord {

    /** The txn type written in the header (an opcode). */
    int type();

    /**
     * Creates a node. {@code ephemeralOwner} is stored as ZooKeeper stores it: 0 persistent, a session id,
     * {@link #CONTAINER_OWNER} for containers, or {@code TTL_OWNER_BITS | ttl} for TTL nodes.
     * {@code parentCVersion} is the parent's stored cversion after this create.
     */
    record Create(String path, byte[] data, List<Acl> acl, long ephemeralOwner, int parentCVersion) implements Txn {
        public int type() {
            return OpCode.CREATE;
        }

        public void write(JuteWriter out) {
            out.writeString(path).writeBuffer(data);
            Acl.writeList(out, acl);
            out.writeLong(ephemeralOwner).writeInt(parentCVersion);
        }
    }

    record Delete(String path) implements Txn {
        public int type() {
            return OpCode.DELETE;
        }

        public void write(JuteWriter out) {
            out.writeString(path);
        }
    }

    /** {@code version} is the node's data version after the change. */
    record SetData(String path, byte[] data, int version) implements Txn {
        public int type() {
            return OpCode.SET_DATA;
        }

        public void write(JuteWriter out) {
            out.writeString(path).writeBuffer(data).writeInt(version);
        }
    }

    /** {@code version} is the node's ACL version after the change. */
    record SetAcl(String path, List<Acl> acl, int version) implements Txn {
        public int type() {
            return OpCode.SET_ACL;
        }

        public void write(JuteWriter out) {
            out.writeString(path);
            Acl.writeList(out, acl);
            out.writeInt(version);
        }
    }

    /** A version check inside a multi; changes nothing. */
    record Check(String path, int version) implements Txn {
        public int type() {
            return OpCode.CHECK;
        }

        public void write(JuteWriter out) {
            out.writeString(path).writeInt(version);
        }
    }

    record CreateSession(long sessionId, int timeout) implements Txn {
        public int type() {
            return OpCode.CREATE_SESSION;
        }

        public void write(JuteWriter out) {
            out.writeLong(sessionId).writeInt(timeout);
        }
    }

    /** Closes (or expires) a session: its ephemerals are deleted when applied. */
    record CloseSession(long sessionId) implements Txn {
        public int type() {
            return OpCode.CLOSE_SESSION;
        }

        public void write(JuteWriter out) {
            out.writeLong(sessionId);
        }
    }

    /**
     * The secret session passwords are derived from, chosen at random by the first leader of an ensemble and
     * replicated like any txn, so every member verifies every session without an operator step. The first one
     * applied wins; a later one (a new leader that had not yet applied it) changes nothing.
     */
    record SessionSecret(byte[] secret) implements Txn {
        public int type() {
            return OpCode.SESSION_SECRET;
        }

        public void write(JuteWriter out) {
            out.writeBuffer(secret);
        }

        @Override
        public String toString() {
            return "SessionSecret[" + (secret == null ? 0 : secret.length) + " bytes]"; // never the secret itself
        }
    }

    /**
     * A membership change (ZooKeeper's reconfig, opcode 16), logged as ZooKeeper logs it: a setData of
     * /zookeeper/config with version -1. {@code data} is the new configuration as ZooKeeper writes it
     * ({@code server.N=...} lines, then {@code version=} the hex zxid of this txn); the ZAB core reads the
     * members from it ({@code zab/ZabConfig.parseMembers}).
     */
    record Reconfig(byte[] data) implements Txn {
        public static final String PATH = "/zookeeper/config";

        public int type() {
            return OpCode.RECONFIG;
        }

        public void write(JuteWriter out) {
            out.writeString(PATH).writeBuffer(data).writeInt(-1);
        }
    }

    /** A write that failed in preparation; consumes a zxid like ZooKeeper's error txns, changes nothing. */
    record Error(int err) implements Txn {
        public int type() {
            return OpCode.ERROR;
        }

        public void write(JuteWriter out) {
            out.writeInt(err);
        }
    }

    /** All or nothing: either every op succeeds, or the multi is logged as ops of type Error. */
    record Multi(List<Txn> txns) implements Txn {
        public int type() {
            return OpCode.MULTI;
        }

        public void write(JuteWriter out) {
            out.writeInt(txns.size());
            for (Txn t : txns) {
                out.writeInt(t.type());
                t.write(out);
            }
        }
    }

    long CONTAINER_OWNER = Long.MIN_VALUE;
    long TTL_OWNER_BITS = 0xFF00000000000000L;
    long MAX_TTL = (1L << 40) - 1;

    static boolean isContainer(long ephemeralOwner) {
        return ephemeralOwner == CONTAINER_OWNER;
    }

    static boolean isTtl(long ephemeralOwner) {
        return ephemeralOwner != CONTAINER_OWNER && (ephemeralOwner & TTL_OWNER_BITS) == TTL_OWNER_BITS;
    }

    static long ttlOf(long ephemeralOwner) {
        return ephemeralOwner & ~TTL_OWNER_BITS;
    }

    /** A session id if the node is ephemeral, else 0 (containers and TTL nodes are not ephemeral). */
    static long sessionOwner(long ephemeralOwner) {
        return ephemeralOwner == 0 || isContainer(ephemeralOwner) || isTtl(ephemeralOwner) ? 0 : ephemeralOwner;
    }

    static Txn read(int type, JuteReader in) {
        return switch (type) {
            case OpCode.CREATE ->
                new Create(in.readString(), in.readBuffer(), Acl.readList(in), in.readLong(), in.readInt());
            case OpCode.DELETE -> new Delete(in.readString());
            case OpCode.SET_DATA -> new SetData(in.readString(), in.readBuffer(), in.readInt());
            case OpCode.SET_ACL -> new SetAcl(in.readString(), Acl.readList(in), in.readInt());
            case OpCode.CHECK -> new Check(in.readString(), in.readInt());
            case OpCode.CREATE_SESSION -> new CreateSession(in.readLong(), in.readInt());
            case OpCode.CLOSE_SESSION -> new CloseSession(in.readLong());
            case OpCode.ERROR -> new Error(in.readInt());
            case OpCode.SESSION_SECRET -> new SessionSecret(in.readBuffer());
            case OpCode.RECONFIG -> {
                String path = in.readString();
                byte[] data = in.readBuffer();
                in.readInt();
                if (!Reconfig.PATH.equals(path) || data == null) {
                    throw new ProtocolException("reconfig txn of " + path + " (expected " + Reconfig.PATH + ")");
                }
                yield new Reconfig(data);
            }
            case OpCode.MULTI -> {
                int n = in.readVectorSize();
                List<Txn> list = new ArrayList<>(Math.max(n, 0));
                for (int i = 0; i < n; i++) {
                    int t = in.readInt();
                    if (t == OpCode.MULTI || t == OpCode.SESSION_SECRET || t == OpCode.RECONFIG) {
                        throw new ProtocolException("txn type " + t + " inside a multi txn");
                    }
                    list.add(read(t, in));
                }
                yield new Multi(list);
            }
            default -> throw new ProtocolException("unknown txn type " + type);
        };
    }
}
