package io.coordinator.server.protocol;

/** A watch notification body (sent with xid -1). */
public record WatcherEvent(int type, int state, String path) implements JuteRecord {
    public static final int NONE = -1;
    public static final int NODE_CREATED = 1;
    public static final int NODE_DELETED = 2;
    public static final int NODE_DATA_CHANGED = 3;
    public static final int NODE_CHILDREN_CHANGED = 4;
    public static final int STATE_SYNC_CONNECTED = 3;

    @Override
    public void write(JuteWriter out) {
        out.writeInt(type).writeInt(state).writeString(path);
    }

    public static WatcherEvent read(JuteReader in) {
        return new WatcherEvent(in.readInt(), in.readInt(), in.readString());
    }
}
