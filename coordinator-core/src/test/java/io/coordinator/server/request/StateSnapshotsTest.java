package io.coordinator.server.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.session.SessionTracker;
import io.coordinator.server.tree.DataTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replicated session secret: applied once (the first wins) and carried by snapshots. */
class StateSnapshotsTest {

    private static TxnRecord secretTxn(long zxid, byte fill) {
        byte[] secret = new byte[32];
        Arrays.fill(secret, fill);
        return new TxnRecord(new TxnHeader(0, 0, zxid, 0, OpCode.SESSION_SECRET), new Txn.SessionSecret(secret));
    }

    @Test
    void theFirstSecretAppliedWinsAndALaterOneChangesNothing() {
        StateMachine machine = new StateMachine(new DataTree(), new SessionTracker(2000));
        assertThat(machine.sessionSecret()).isNull();
        machine.apply(secretTxn(1, (byte) 1));
        machine.apply(secretTxn(2, (byte) 2));
        assertThat(machine.sessionSecret()).containsOnly((byte) 1);
        assertThat(machine.tree().lastProcessedZxid()).isEqualTo(2);
    }

    @Test
    void aSnapshotCarriesTheSecretAndTheSessions() {
        StateMachine machine = new StateMachine(new DataTree(), new SessionTracker(2000));
        machine.apply(secretTxn(1, (byte) 7));
        machine.apply(new TxnRecord(new TxnHeader(5, 0, 2, 0, OpCode.CREATE_SESSION), new Txn.CreateSession(5, 4000)));
        StateMachine copy = StateSnapshots.fromBytes(StateSnapshots.toBytes(machine), 2000);
        assertThat(copy.sessionSecret()).containsOnly((byte) 7);
        assertThat(copy.sessions().contains(5)).isTrue();
    }

    @Test
    void aSnapshotWithoutASecretReadsAsNone() throws IOException {
        var bytes = new ByteArrayOutputStream();
        StateSnapshots.write(new DataOutputStream(bytes), Map.of(9L, 3000), new DataTree());
        assertSessionNineWithoutASecret(bytes);
    }

    @Test
    void formatOneSnapshotsFromBeforeTheSecretStillLoad() throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        out.writeInt(1);
        out.writeInt(1);
        out.writeLong(9L);
        out.writeInt(3000);
        new DataTree().serialize(out);
        assertSessionNineWithoutASecret(bytes);
    }

    @Test
    void aSecretOfImplausibleLengthIsRefused() throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        out.writeInt(2);
        out.writeInt(0);
        out.writeInt(3);
        out.write(new byte[3]);
        assertThatThrownBy(() -> read(bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("session secret of 3 bytes");
    }

    private static void assertSessionNineWithoutASecret(ByteArrayOutputStream bytes) throws IOException {
        StateSnapshots.Recovered r = read(bytes);
        assertThat(r.secret()).isNull();
        assertThat(r.sessions()).containsEntry(9L, 3000);
    }

    private static StateSnapshots.Recovered read(ByteArrayOutputStream bytes) throws IOException {
        return StateSnapshots.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }
}
