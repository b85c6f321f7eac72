package io.coordinator.server.protocol;

/** The Stat clients see (68 bytes on the wire). cversion here is the shown value, not the stored one. */
public record Stat(
        long czxid,
        long mzxid,
        long ctime,
        long mtime,
        int version,
        int cversion,
        int aversion,
        long ephemeralOwner,
        int dataLength,
        int numChildren,
        long pzxid)
        implements JuteRecord {
    public static final Stat ZERO = new Stat(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static Stat read(JuteReader in) {
        return new Stat(
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readInt(),
                in.readInt(),
                in.readInt(),
                in.readLong(),
                in.readInt(),
                in.readInt(),
                in.readLong());
    }

    @Override
    public void write(JuteWriter out) {
        out.writeLong(czxid)
                .writeLong(mzxid)
                .writeLong(ctime)
                .writeLong(mtime)
                .writeInt(version)
                .writeInt(cversion)
                .writeInt(aversion)
                .writeLong(ephemeralOwner)
                .writeInt(dataLength)
                .writeInt(numChildren)
                .writeLong(pzxid);
    }
}
