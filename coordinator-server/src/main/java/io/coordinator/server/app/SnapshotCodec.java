package io.coordinator.server.app;

import io.coordinator.server.session.SessionTracker;
import io.coordinator.server.tree.DataTree;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** What a snapshot holds: the session table (id, timeout) followed by the data tree. */
final class SnapshotCodec {
    private static final int FORMAT = 1;

    private SnapshotCodec() {
    }

    record Recovered(DataTree tree, Map<Long, Integer> sessions) {
        void restoreInto(SessionTracker tracker) {
            sessions.forEach(tracker::add);
        }
    }

    static void write(DataOutput out, Map<Long, Integer> sessions, DataTree tree) throws IOException {
        out.writeInt(FORMAT);
        out.writeInt(sessions.size());
        for (Map.Entry<Long, Integer> e : sessions.entrySet()) {
            out.writeLong(e.getKey());
            out.writeInt(e.getValue());
        }
        tree.serialize(out);
    }

    static Recovered read(DataInput in) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("unknown snapshot body format " + format);
        }
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative session count " + n);
        }
        Map<Long, Integer> sessions = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            sessions.put(in.readLong(), in.readInt());
        }
        return new Recovered(DataTree.deserialize(in), sessions);
    }
}
