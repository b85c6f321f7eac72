package io.coordinator.server.request;

import io.coordinator.server.session.Session;
import io.coordinator.server.session.SessionTracker;
import io.coordinator.server.storage.Recovery;
import io.coordinator.server.storage.RecoveryResult;
import io.coordinator.server.storage.SnapshotStore;
import io.coordinator.server.storage.TxnLog;
import io.coordinator.server.tree.DataTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a snapshot holds: the session table (id, timeout), the ensemble's session secret (format 2; empty when
 * none was replicated yet) and the data tree. Format 1 (no secret) is still read.
 */
public final class StateSnapshots {
    private static final int FORMAT_NO_SECRET = 1;
    private static final int FORMAT = 2;

    private StateSnapshots() {}

    /** @param secret the session secret, or null when none had been replicated */
    public record Recovered(DataTree tree, Map<Long, Integer> sessions, byte[] secret) {
        public void restoreInto(SessionTracker tracker) {
            sessions.forEach(tracker::add);
        }

        /** The state machine this snapshot describes, its sessions added to {@code tracker}. */
        public StateMachine toStateMachine(SessionTracker tracker) {
            restoreInto(tracker);
            StateMachine machine = new StateMachine(tree, tracker);
            machine.restoreSessionSecret(secret);
            return machine;
        }
    }

    /**
     * A state machine rebuilt from a data directory, and what {@link Recovery#recover} did.
     *
     * @param machine the newest snapshot's state (an empty tree without one), with the log replayed onto it if asked
     */
    public record RecoveredState(StateMachine machine, RecoveryResult<Recovered> result) {}

    /**
     * Rebuilds the state machine from the newest valid snapshot in {@code snapshots}, its sessions added to
     * {@code sessions}; with {@code replayLog}, every txn logged after the snapshot is replayed onto it (as a
     * standalone restart does; an ensemble member leaves that to ZAB, since the log may end with proposals that
     * never committed).
     */
    public static RecoveredState recover(
            SnapshotStore snapshots, TxnLog log, SessionTracker sessions, boolean replayLog) throws IOException {
        StateMachine[] state = new StateMachine[1];
        RecoveryResult<Recovered> result = Recovery.recover(
                snapshots,
                log,
                in -> {
                    Recovered r = read(in);
                    state[0] = r.toStateMachine(sessions);
                    return r;
                },
                record -> {
                    if (replayLog) {
                        stateOrEmpty(state, sessions).replay(record);
                    }
                });
        return new RecoveredState(stateOrEmpty(state, sessions), result);
    }

    /** The snapshot's state machine once its loader ran; otherwise recovery starts from an empty tree. */
    private static StateMachine stateOrEmpty(StateMachine[] holder, SessionTracker sessions) {
        if (holder[0] == null) {
            holder[0] = new StateMachine(new DataTree(), sessions);
        }
        return holder[0];
    }

    /** A snapshot with no session secret (standalone servers keep theirs in the data directory). */
    public static void write(DataOutput out, Map<Long, Integer> sessions, DataTree tree) throws IOException {
        write(out, sessions, null, tree);
    }

    public static void write(DataOutput out, Map<Long, Integer> sessions, byte[] secret, DataTree tree)
            throws IOException {
        out.writeInt(FORMAT);
        out.writeInt(sessions.size());
        for (Map.Entry<Long, Integer> e : sessions.entrySet()) {
            out.writeLong(e.getKey());
            out.writeInt(e.getValue());
        }
        byte[] s = secret == null ? new byte[0] : secret;
        out.writeInt(s.length);
        out.write(s);
        tree.serialize(out);
    }

    public static Recovered read(DataInput in) throws IOException {
        int format = in.readInt();
        if (format != FORMAT && format != FORMAT_NO_SECRET) {
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
        byte[] secret = null;
        if (format == FORMAT) {
            int len = in.readInt();
            if (len != 0 && (len < 16 || len > 1024)) {
                throw new IOException("session secret of " + len + " bytes (16 to 1024, or none)");
            }
            if (len > 0) {
                secret = new byte[len];
                in.readFully(secret);
            }
        }
        return new Recovered(DataTree.deserialize(in), sessions, secret);
    }

    /** The session table of a state machine, as a snapshot stores it. */
    public static Map<Long, Integer> sessionTable(SessionTracker tracker) {
        Map<Long, Integer> table = new TreeMap<>();
        for (Session s : tracker.all()) {
            table.put(s.id(), s.timeoutMs());
        }
        return table;
    }

    /** The whole state as bytes (for a snapshot sent to a learner). */
    public static byte[] toBytes(StateMachine state) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            write(out, sessionTable(state.sessions()), state.sessionSecret(), state.tree());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Rebuilds a state machine from {@link #toBytes} output. */
    public static StateMachine fromBytes(byte[] data, int tickTimeMs) {
        try (var in = new DataInputStream(new ByteArrayInputStream(data))) {
            return read(in).toStateMachine(new SessionTracker(tickTimeMs));
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot from the leader cannot be read", e);
        }
    }
}
