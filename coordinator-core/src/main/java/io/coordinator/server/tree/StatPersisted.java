package io.coordinator.server.tree;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A node's Stat fields as stored, ZooKeeper's StatPersisted: {@code cversion} is the number of child creations
 * and {@code ephemeralOwner} is a session, a container or a TTL marker (see {@link DataNode}). Both snapshot
 * formats (this server's and ZooKeeper's) write these fields in this order.
 */
public record StatPersisted(
        long czxid,
        long mzxid,
        long ctime,
        long mtime,
        int version,
        int cversion,
        int aversion,
        long ephemeralOwner,
        long pzxid) {

    public static StatPersisted read(DataInput in) throws IOException {
        return new StatPersisted(
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readInt(),
                in.readInt(),
                in.readInt(),
                in.readLong(),
                in.readLong());
    }

    public void write(DataOutput out) throws IOException {
        out.writeLong(czxid);
        out.writeLong(mzxid);
        out.writeLong(ctime);
        out.writeLong(mtime);
        out.writeInt(version);
        out.writeInt(cversion);
        out.writeInt(aversion);
        out.writeLong(ephemeralOwner);
        out.writeLong(pzxid);
    }
}
