package io.coordinator.server.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Client request bodies, one record per shape, and the decoder that picks the shape by opcode. */
public final class Requests {
    private Requests() {}

    /** A decoded request body. */
    public sealed interface Body
            permits Create,
                    Delete,
                    PathWatch,
                    SetData,
                    PathOnly,
                    SetAcl,
                    CheckVersion,
                    Multi,
                    Reconfig,
                    WatchType,
                    AddWatch,
                    SetWatches,
                    Auth,
                    Sasl,
                    Empty {}

    /** create (1), create2 (15), createContainer (19): ttl is -1; createTTL (21) carries its ttl. */
    public record Create(String path, byte[] data, List<Acl> acl, int flags, long ttl) implements Body {}

    public record Delete(String path, int version) implements Body {}

    /** exists, getData, getChildren, getChildren2. */
    public record PathWatch(String path, boolean watch) implements Body {}

    public record SetData(String path, byte[] data, int version) implements Body {}

    /** getACL, sync, getEphemerals (prefix), getAllChildrenNumber, deleteContainer. */
    public record PathOnly(String path) implements Body {}

    public record SetAcl(String path, List<Acl> acl, int version) implements Body {}

    public record CheckVersion(String path, int version) implements Body {}

    /** multi (14) or multiRead (22): the ops in order, each with its own opcode. */
    public record Multi(List<Op> ops) implements Body {}

    public record Op(int type, Body body) {}

    public record Reconfig(String joiningServers, String leavingServers, String newMembers, long curConfigId)
            implements Body {}

    /** checkWatches / removeWatches: type Children 1, Data 2, Any 3, Persistent 4, PersistentRecursive 5. */
    public record WatchType(String path, int type) implements Body {}

    /** addWatch: mode 0 persistent, 1 persistent recursive. */
    public record AddWatch(String path, int mode) implements Body {}

    /** setWatches (101) has empty persistent lists; setWatches2 (105) fills them. */
    public record SetWatches(
            long relativeZxid,
            List<String> dataWatches,
            List<String> existWatches,
            List<String> childWatches,
            List<String> persistentWatches,
            List<String> persistentRecursiveWatches)
            implements Body {}

    public record Auth(int type, String scheme, byte[] auth) implements Body {}

    public record Sasl(byte[] token) implements Body {}

    /** ping, closeSession, whoAmI. */
    public record Empty() implements Body {
        public static final Empty INSTANCE = new Empty();
    }

    /**
     * Decodes the body of a request of the given opcode.
     *
     * @throws ProtocolException when the record is truncated or malformed
     * @throws ZkException with UNIMPLEMENTED for an opcode clients may not send
     */
    public static Body decode(int type, JuteReader in) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER ->
                new Create(in.readString(), in.readBuffer(), Acl.readList(in), in.readInt(), -1);
            case OpCode.CREATE_TTL ->
                new Create(in.readString(), in.readBuffer(), Acl.readList(in), in.readInt(), in.readLong());
            case OpCode.DELETE -> new Delete(in.readString(), in.readInt());
            case OpCode.EXISTS, OpCode.GET_DATA, OpCode.GET_CHILDREN, OpCode.GET_CHILDREN2 ->
                new PathWatch(in.readString(), in.readBool());
            case OpCode.SET_DATA -> new SetData(in.readString(), in.readBuffer(), in.readInt());
            case OpCode.GET_ACL, OpCode.SYNC, OpCode.GET_EPHEMERALS, OpCode.GET_ALL_CHILDREN_NUMBER ->
                new PathOnly(in.readString());
            case OpCode.DELETE_CONTAINER -> new PathOnly(new String(nonNull(in.readBuffer()), StandardCharsets.UTF_8));
            case OpCode.SET_ACL -> new SetAcl(in.readString(), Acl.readList(in), in.readInt());
            case OpCode.CHECK -> new CheckVersion(in.readString(), in.readInt());
            case OpCode.MULTI, OpCode.MULTI_READ -> decodeMulti(in);
            case OpCode.RECONFIG -> new Reconfig(in.readString(), in.readString(), in.readString(), in.readLong());
            case OpCode.CHECK_WATCHES, OpCode.REMOVE_WATCHES -> new WatchType(in.readString(), in.readInt());
            case OpCode.ADD_WATCH -> new AddWatch(in.readString(), in.readInt());
            case OpCode.SET_WATCHES ->
                new SetWatches(in.readLong(), readStrings(in), readStrings(in), readStrings(in), List.of(), List.of());
            case OpCode.SET_WATCHES2 ->
                new SetWatches(
                        in.readLong(),
                        readStrings(in),
                        readStrings(in),
                        readStrings(in),
                        readStrings(in),
                        readStrings(in));
            case OpCode.AUTH -> new Auth(in.readInt(), in.readString(), in.readBuffer());
            case OpCode.SASL -> new Sasl(in.readBuffer());
            case OpCode.PING, OpCode.CLOSE_SESSION, OpCode.WHO_AM_I -> Empty.INSTANCE;
            default -> throw new ZkException(Code.UNIMPLEMENTED, "unknown opcode " + type);
        };
    }

    /** Encodes a body exactly as a client would send it (the inverse of {@link #decode}). */
    public static void encode(int type, Body body, JuteWriter out) {
        if (body instanceof Create c) {
            out.writeString(c.path()).writeBuffer(c.data());
            Acl.writeList(out, c.acl());
            out.writeInt(c.flags());
            if (type == OpCode.CREATE_TTL) {
                out.writeLong(c.ttl());
            }
        } else if (body instanceof Delete d) {
            out.writeString(d.path()).writeInt(d.version());
        } else if (body instanceof PathWatch pw) {
            out.writeString(pw.path()).writeBool(pw.watch());
        } else if (body instanceof SetData sd) {
            out.writeString(sd.path()).writeBuffer(sd.data()).writeInt(sd.version());
        } else if (body instanceof PathOnly po) {
            if (type == OpCode.DELETE_CONTAINER) {
                out.writeBuffer(po.path().getBytes(StandardCharsets.UTF_8));
            } else {
                out.writeString(po.path());
            }
        } else if (body instanceof SetAcl sa) {
            out.writeString(sa.path());
            Acl.writeList(out, sa.acl());
            out.writeInt(sa.version());
        } else if (body instanceof CheckVersion cv) {
            out.writeString(cv.path()).writeInt(cv.version());
        } else if (body instanceof Multi m) {
            for (Op op : m.ops()) {
                out.writeInt(op.type()).writeBool(false).writeInt(-1);
                encode(op.type(), op.body(), out);
            }
            out.writeInt(-1).writeBool(true).writeInt(-1);
        } else if (body instanceof Reconfig r) {
            out.writeString(r.joiningServers())
                    .writeString(r.leavingServers())
                    .writeString(r.newMembers())
                    .writeLong(r.curConfigId());
        } else if (body instanceof WatchType wt) {
            out.writeString(wt.path()).writeInt(wt.type());
        } else if (body instanceof AddWatch aw) {
            out.writeString(aw.path()).writeInt(aw.mode());
        } else if (body instanceof SetWatches sw) {
            out.writeLong(sw.relativeZxid())
                    .writeStrings(sw.dataWatches())
                    .writeStrings(sw.existWatches())
                    .writeStrings(sw.childWatches());
            if (type == OpCode.SET_WATCHES2) {
                out.writeStrings(sw.persistentWatches()).writeStrings(sw.persistentRecursiveWatches());
            }
        } else if (body instanceof Auth a) {
            out.writeInt(a.type()).writeString(a.scheme()).writeBuffer(a.auth());
        } else if (body instanceof Sasl sa) {
            out.writeBuffer(sa.token());
        }
        // Empty: nothing
    }

    private static byte[] nonNull(byte[] b) {
        return b == null ? new byte[0] : b;
    }

    private static Multi decodeMulti(JuteReader in) {
        List<Op> ops = new ArrayList<>();
        while (true) {
            int type = in.readInt();
            boolean done = in.readBool();
            in.readInt(); // err, always -1 in requests
            if (done) {
                break;
            }
            switch (type) {
                case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_TTL, OpCode.CREATE_CONTAINER -> {
                    Create create = (Create) decode(type, in);
                    // ZooKeeper turns the flags into a CreateMode while decoding a multi: bad flags fail the
                    // whole request as a marshalling error.
                    if (create.flags() < 0 || create.flags() > 6) {
                        throw new ProtocolException("unknown create flags " + create.flags() + " inside multi");
                    }
                    ops.add(new Op(type, create));
                }
                case OpCode.DELETE, OpCode.SET_DATA, OpCode.CHECK, OpCode.GET_CHILDREN, OpCode.GET_DATA ->
                    ops.add(new Op(type, decode(type, in)));
                default -> throw new ProtocolException("opcode " + type + " is not allowed inside multi");
            }
        }
        return new Multi(ops);
    }

    /** A vector of strings; null (-1) reads as an empty list. */
    public static List<String> readStrings(JuteReader in) {
        int n = in.readVectorSize();
        if (n <= 0) {
            return List.of();
        }
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(in.readString());
        }
        return list;
    }
}
