package io.coordinator.server.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Stat;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.tree.ApplyResult;
import io.coordinator.server.tree.DataTree;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reply bodies per write opcode and the multi response encoding (PROTOCOL.md §3). */
class WriteRepliesTest {
    private final DataTree tree = new DataTree();
    private long zxid;

    private ApplyResult apply(Txn txn) {
        return tree.apply(new TxnHeader(1, 1, ++zxid, 1000, txn.type()), txn);
    }

    private static byte[] bytes(Reply r) {
        assertThat(r.err()).isEqualTo(Code.OK);
        return r.body() == null ? new byte[0] : new JuteWriter().write(r.body()).toByteArray();
    }

    private static Requests.Create createReq(String path) {
        return new Requests.Create(path, null, Acl.OPEN_ACL_UNSAFE, 0, -1);
    }

    @Test
    void failedMultiEncodesEveryResultAsAnError() {
        Requests.Multi req = new Requests.Multi(List.of(
                new Requests.Op(OpCode.CREATE, createReq("/a")),
                new Requests.Op(OpCode.CREATE, createReq("/zookeeper")),
                new Requests.Op(OpCode.DELETE, new Requests.Delete("/a", -1))));
        Txn.Multi txn = new Txn.Multi(List.of(
                new Txn.Error(Code.OK), new Txn.Error(Code.NODEEXISTS), new Txn.Error(Code.RUNTIMEINCONSISTENCY)));
        ApplyResult result = apply(txn);
        Reply reply = WriteReplies.of(OpCode.MULTI, req, txn, result);
        ByteBuffer expected = ByteBuffer.allocate(64);
        for (int code : new int[] {0, -110, -2}) {
            expected.putInt(-1).put((byte) 0).putInt(code).putInt(code);
        }
        expected.putInt(-1).put((byte) 1).putInt(-1);
        assertThat(bytes(reply)).isEqualTo(java.util.Arrays.copyOf(expected.array(), expected.position()));
        // The multi's reply header says OK even though it failed.
        assertThat(reply.err()).isEqualTo(Code.OK);
    }

    @Test
    void successfulMultiMirrorsOpTypesWithTheirBodies() {
        apply(new Txn.Create("/d", null, Acl.OPEN_ACL_UNSAFE, 0, -1));
        Requests.Multi req = new Requests.Multi(List.of(
                new Requests.Op(OpCode.CREATE, createReq("/a")),
                new Requests.Op(OpCode.CREATE2, createReq("/b")),
                new Requests.Op(OpCode.SET_DATA, new Requests.SetData("/a", new byte[] {7}, -1)),
                new Requests.Op(OpCode.CHECK, new Requests.CheckVersion("/a", 1)),
                new Requests.Op(OpCode.DELETE, new Requests.Delete("/d", -1))));
        Txn.Multi txn = new Txn.Multi(List.of(
                new Txn.Create("/a", null, Acl.OPEN_ACL_UNSAFE, 0, -1),
                new Txn.Create("/b", null, Acl.OPEN_ACL_UNSAFE, 0, -1),
                new Txn.SetData("/a", new byte[] {7}, 1),
                new Txn.Check("/a", 1),
                new Txn.Delete("/d")));
        ApplyResult result = apply(txn);
        JuteReader in = new JuteReader(bytes(WriteReplies.of(OpCode.MULTI, req, txn, result)));
        header(in, OpCode.CREATE, false, 0);
        assertThat(in.readString()).isEqualTo("/a");
        header(in, OpCode.CREATE2, false, 0);
        assertThat(in.readString()).isEqualTo("/b");
        Stat b = Stat.read(in);
        assertThat(b.czxid()).isEqualTo(zxid);
        header(in, OpCode.SET_DATA, false, 0);
        Stat a = Stat.read(in);
        assertThat(a.version()).isEqualTo(1);
        assertThat(a.dataLength()).isEqualTo(1);
        header(in, OpCode.CHECK, false, 0);
        header(in, OpCode.DELETE, false, 0);
        header(in, -1, true, -1);
        assertThat(in.remaining()).isZero();
    }

    @Test
    void emptyMultiIsJustTheTerminator() {
        Txn.Multi txn = new Txn.Multi(List.of());
        Reply r = WriteReplies.of(OpCode.MULTI, new Requests.Multi(List.of()), txn, apply(txn));
        assertThat(bytes(r)).containsExactly(-1, -1, -1, -1, 1, -1, -1, -1, -1);
    }

    private static void header(JuteReader in, int type, boolean done, int err) {
        assertThat(List.of(in.readInt(), in.readBool(), in.readInt())).containsExactly(type, done, err);
    }

    @Test
    void singleWriteBodies() {
        Txn create = new Txn.Create("/a", new byte[] {1, 2}, Acl.OPEN_ACL_UNSAFE, 0, -1);
        ApplyResult r = apply(create);
        JuteReader in = new JuteReader(bytes(WriteReplies.of(OpCode.CREATE, createReq("/a"), create, r)));
        assertThat(in.readString()).isEqualTo("/a");
        assertThat(in.remaining()).isZero();

        for (int op : new int[] {OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL}) {
            in = new JuteReader(bytes(WriteReplies.of(op, createReq("/a"), create, r)));
            assertThat(in.readString()).isEqualTo("/a");
            assertThat(Stat.read(in)).isEqualTo(r.stat());
            assertThat(in.remaining()).isZero();
        }

        Txn set = new Txn.SetData("/a", new byte[] {3}, 1);
        ApplyResult sr = apply(set);
        in = new JuteReader(bytes(WriteReplies.of(OpCode.SET_DATA, null, set, sr)));
        Stat s = Stat.read(in);
        assertThat(s.version()).isEqualTo(1);
        assertThat(s.mzxid()).isEqualTo(zxid);
        assertThat(in.remaining()).isZero();

        Txn acl = new Txn.SetAcl("/a", Acl.READ_ACL_UNSAFE, 1);
        in = new JuteReader(bytes(WriteReplies.of(OpCode.SET_ACL, null, acl, apply(acl))));
        assertThat(Stat.read(in).aversion()).isEqualTo(1);

        Txn del = new Txn.Delete("/a");
        assertThat(WriteReplies.of(OpCode.DELETE, null, del, apply(del))).isEqualTo(Reply.EMPTY);
    }

    @Test
    void errorTxnAndFailedApplyAreErrorsWithoutBody() {
        Txn err = new Txn.Error(Code.NONODE);
        assertThat(WriteReplies.of(OpCode.SET_DATA, null, err, apply(err))).isEqualTo(Reply.error(Code.NONODE));
        Txn del = new Txn.Delete("/missing");
        assertThat(WriteReplies.of(OpCode.DELETE, null, del, apply(del))).isEqualTo(Reply.error(Code.NONODE));
    }
}
