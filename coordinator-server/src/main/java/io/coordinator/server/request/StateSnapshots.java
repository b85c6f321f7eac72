package io.coordinator.server.request;

import io.coordinator.server.session.SessionTracker;
import io.coordinator.server.tree.DataTree;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** What a snapshot holds: the session table (id, timeout) followed by the data tree. */
public final class StateSnapshots {
    private static final int FORMAT = 1;

    private StateSnapshots() {
    }

    public record Recovered(DataTree tree, Map<Long, Integer> sessions) {
        public void restoreInto(SessionTracker tracker) {
            sessions.forEach(tracker::add);
        }
    }

    public static void write(DataOutput out, Map<Long, Integer> sessions, DataTree tree) throws IOException {
        out.writeInt(FORMAT);
        out.writeInt(sessions.size());
        for (Map.Entry<Long, Integer> e : sessions.entrySet()) {
            out.writeLong(e.getKey());
            out.writeInt(e.getValue());
        }
        tree.serialize(out);
    }

    public static Recovered read(DataInput in) throws IOException {
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

    /** The session table of a state machine, as a snapshot stores it. */
    public static Map<Long, Integer> sessionTable(SessionTracker tracker) {
        Map<Long, Integer> table = new TreeMap<>();
        for (io.coordinator.server.session.Session s : tracker.all()) {
            table.put(s.id(), s.timeoutMs());
        }
        return table;
    }

    /** The whole state as bytes (for a snapshot sent to a learner). */
    public static byte[] toBytes(StateMachine state) {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.DataOutputStream(bytes)) {
            write(out, sessionTable(state.sessions()), state.tree());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Rebuilds a state machine from {@link #toBytes} output. */
    public static StateMachine fromBytes(byte[] data, int tickTimeMs) {
        try (var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(data))) {
            Recovered r = read(in);
            SessionTracker tracker = new SessionTracker(tickTimeMs);
            r.restoreInto(tracker);
            return new StateMachine(r.tree(), tracker);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("snapshot from the leader cannot be read", e);
        }
    }
}
