package io.coordinator.server.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Perms;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Stat;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.WatcherEvent;
import io.coordinator.server.tree.Acls;
import io.coordinator.server.tree.DataTree;
import io.coordinator.server.tree.Watcher;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Reads and their ACL rules (ZooKeeper 3.9 FinalRequestProcessor). */
class ReadExecutorTest {
    private static final Id IP = new Id("ip", "127.0.0.1");
    private static final String ALICE_DIGEST = Acls.digest("alice:secret");
    private static final Id ALICE_ID = new Id("digest", ALICE_DIGEST);
    private static final PrepareContext ANON = new PrepareContext(1, List.of(IP));
    private static final PrepareContext ALICE = new PrepareContext(2, List.of(IP, ALICE_ID));
    private static final PrepareContext SUPER = new PrepareContext(3, List.of(IP, new Id("super", "")));

    private final DataTree tree = new DataTree();
    private final ReadExecutor reads = new ReadExecutor(tree);
    private final List<WatcherEvent> events = new CopyOnWriteArrayList<>();
    private final Watcher watcher = (event, zxid, acl) -> events.add(event);
    private long zxid;

    private void apply(long session, Txn txn) {
        tree.apply(new TxnHeader(session, 0, ++zxid, 1000, txn.type()), txn);
    }

    private void create(String path, List<Acl> acl) {
        apply(0, new Txn.Create(path, path.getBytes(StandardCharsets.UTF_8), acl, 0, -1));
    }

    private Reply read(int type, Requests.Body body, PrepareContext ctx) {
        return reads.execute(type, body, ctx, watcher);
    }

    /** The error code of a read of {@code path} (leaving a watch or not) by {@code ctx}. */
    private int err(int type, String path, boolean watch, PrepareContext ctx) {
        return read(type, new Requests.PathWatch(path, watch), ctx).err();
    }

    private static JuteReader body(Reply r) {
        assertThat(r.err()).isEqualTo(Code.OK);
        return new JuteReader(new JuteWriter().write(r.body()).toByteArray());
    }

    @Test
    void existsNeedsReadOnAnExistingNodeAndArmsNoWatchWithoutIt() {
        create("/s", List.of(new Acl(Perms.ALL, ALICE_ID), new Acl(Perms.WRITE, Id.ANYONE)));
        assertThat(err(OpCode.EXISTS, "/s", true, ANON)).isEqualTo(Code.NOAUTH);
        apply(0, new Txn.SetData("/s", new byte[0], 1));
        assertThat(events).isEmpty();

        Reply ok = read(OpCode.EXISTS, new Requests.PathWatch("/s", true), ALICE);
        Stat stat = Stat.read(body(ok));
        assertThat(stat.version()).isEqualTo(1);
        assertThat(err(OpCode.EXISTS, "/s", false, SUPER)).isEqualTo(Code.OK);
        apply(0, new Txn.SetData("/s", new byte[1], 2));
        assertThat(events).containsExactly(new WatcherEvent(WatcherEvent.NODE_DATA_CHANGED, 3, "/s"));
    }

    @Test
    void existsOnAMissingNodeIsNoNodeButArmsTheWatch() {
        Reply r = read(OpCode.EXISTS, new Requests.PathWatch("/later", true), ANON);
        assertThat(r.err()).isEqualTo(Code.NONODE);
        create("/later", Acl.OPEN_ACL_UNSAFE);
        assertThat(events).containsExactly(new WatcherEvent(WatcherEvent.NODE_CREATED, 3, "/later"));
    }

    @Test
    void getDataAndGetChildrenNeedRead() {
        create("/s", List.of(new Acl(Perms.ALL, ALICE_ID)));
        create("/s/c", Acl.OPEN_ACL_UNSAFE);
        assertThat(err(OpCode.GET_DATA, "/s", true, ANON)).isEqualTo(Code.NOAUTH);
        assertThat(err(OpCode.GET_CHILDREN, "/s", true, ANON)).isEqualTo(Code.NOAUTH);
        assertThat(err(OpCode.GET_CHILDREN2, "/s", false, ANON)).isEqualTo(Code.NOAUTH);
        assertThat(err(OpCode.GET_DATA, "/missing", true, ANON)).isEqualTo(Code.NONODE);

        JuteReader in = body(read(OpCode.GET_DATA, new Requests.PathWatch("/s", false), ALICE));
        assertThat(new String(in.readBuffer(), StandardCharsets.UTF_8)).isEqualTo("/s");
        assertThat(Stat.read(in).numChildren()).isEqualTo(1);
        assertThat(in.remaining()).isZero();

        in = body(read(OpCode.GET_CHILDREN, new Requests.PathWatch("/s", false), SUPER));
        assertThat(Requests.readStrings(in)).containsExactly("c");
        assertThat(in.remaining()).isZero();

        in = body(read(OpCode.GET_CHILDREN2, new Requests.PathWatch("/s", false), ALICE));
        assertThat(Requests.readStrings(in)).containsExactly("c");
        assertThat(Stat.read(in).cversion()).isEqualTo(1);
        assertThat(in.remaining()).isZero();
        // No watch was armed by the refused reads.
        apply(0, new Txn.Delete("/s/c"));
        assertThat(events).isEmpty();
    }

    @Test
    void getAclNeedsReadOrAdminAndHidesDigestsWithoutAdmin() {
        List<Acl> acl = List.of(new Acl(Perms.ALL, ALICE_ID), new Acl(Perms.READ, Id.ANYONE));
        create("/r", acl);
        create("/a", List.of(new Acl(Perms.ALL, ALICE_ID), new Acl(Perms.ADMIN, Id.ANYONE)));
        create("/w", List.of(new Acl(Perms.ALL, ALICE_ID), new Acl(Perms.WRITE, Id.ANYONE)));

        JuteReader in = body(read(OpCode.GET_ACL, new Requests.PathOnly("/r"), ANON));
        assertThat(Acl.readList(in))
                .containsExactly(new Acl(Perms.ALL, new Id("digest", "alice:x")), new Acl(Perms.READ, Id.ANYONE));
        Stat.read(in);
        assertThat(in.remaining()).isZero();

        assertThat(Acl.readList(body(read(OpCode.GET_ACL, new Requests.PathOnly("/r"), ALICE))))
                .isEqualTo(acl);
        assertThat(Acl.readList(body(read(OpCode.GET_ACL, new Requests.PathOnly("/r"), SUPER))))
                .isEqualTo(acl);
        // ADMIN alone is enough, and shows the digest.
        assertThat(Acl.readList(body(read(OpCode.GET_ACL, new Requests.PathOnly("/a"), ANON))))
                .contains(new Acl(Perms.ALL, ALICE_ID));
        assertThat(read(OpCode.GET_ACL, new Requests.PathOnly("/w"), ANON).err())
                .isEqualTo(Code.NOAUTH);
        assertThat(read(OpCode.GET_ACL, new Requests.PathOnly("/missing"), ANON).err())
                .isEqualTo(Code.NONODE);
    }

    @Test
    void whoAmIShowsSchemesAndUserNamesNotDigestHashes() {
        JuteReader in = body(read(OpCode.WHO_AM_I, Requests.Empty.INSTANCE, ALICE));
        assertThat(in.readInt()).isEqualTo(2);
        assertThat(List.of(in.readString(), in.readString())).containsExactly("ip", "127.0.0.1");
        assertThat(List.of(in.readString(), in.readString())).containsExactly("digest", "alice");
        assertThat(in.remaining()).isZero();
    }

    @Test
    void multiReadAnswersEachOpOnItsOwn() {
        create("/a", Acl.OPEN_ACL_UNSAFE);
        create("/s", List.of(new Acl(Perms.ALL, ALICE_ID)));
        Requests.Multi multi = new Requests.Multi(List.of(
                new Requests.Op(OpCode.GET_DATA, new Requests.PathWatch("/a", false)),
                new Requests.Op(OpCode.GET_DATA, new Requests.PathWatch("/missing", false)),
                new Requests.Op(OpCode.GET_CHILDREN, new Requests.PathWatch("/s", false)),
                new Requests.Op(OpCode.GET_CHILDREN, new Requests.PathWatch("/", false))));
        JuteReader in = body(read(OpCode.MULTI_READ, multi, ANON));
        assertHeader(in, OpCode.GET_DATA, false, 0);
        assertThat(in.readBuffer()).isEqualTo("/a".getBytes(StandardCharsets.UTF_8));
        Stat.read(in);
        assertHeader(in, -1, false, Code.NONODE);
        assertThat(in.readInt()).isEqualTo(Code.NONODE);
        assertHeader(in, -1, false, Code.NOAUTH);
        assertThat(in.readInt()).isEqualTo(Code.NOAUTH);
        assertHeader(in, OpCode.GET_CHILDREN, false, 0);
        assertThat(Requests.readStrings(in)).containsExactlyInAnyOrder("zookeeper", "a", "s");
        assertHeader(in, -1, true, -1);
        assertThat(in.remaining()).isZero();
    }

    private static void assertHeader(JuteReader in, int type, boolean done, int err) {
        assertThat(List.of(in.readInt(), in.readBool(), in.readInt())).containsExactly(type, done, err);
    }

    @Test
    void getEphemeralsFiltersThisSessionsNodesByPlainPrefix() {
        create("/p", Acl.OPEN_ACL_UNSAFE);
        apply(ALICE.sessionId(), new Txn.Create("/p/e1", null, Acl.OPEN_ACL_UNSAFE, ALICE.sessionId(), -1));
        apply(ALICE.sessionId(), new Txn.Create("/pe", null, Acl.OPEN_ACL_UNSAFE, ALICE.sessionId(), -1));
        apply(ANON.sessionId(), new Txn.Create("/p/other", null, Acl.OPEN_ACL_UNSAFE, ANON.sessionId(), -1));
        assertThat(Requests.readStrings(body(read(OpCode.GET_EPHEMERALS, new Requests.PathOnly("/p"), ALICE))))
                .containsExactlyInAnyOrder("/p/e1", "/pe");
        assertThat(Requests.readStrings(body(read(OpCode.GET_EPHEMERALS, new Requests.PathOnly("/p/"), ALICE))))
                .containsExactly("/p/e1");
        assertThat(Requests.readStrings(body(read(OpCode.GET_EPHEMERALS, new Requests.PathOnly("/"), ANON))))
                .containsExactly("/p/other");
    }

    @Test
    void getAllChildrenNumberCountsAllDescendants() {
        create("/a", Acl.OPEN_ACL_UNSAFE);
        create("/a/b", Acl.OPEN_ACL_UNSAFE);
        create("/a/b/c", Acl.OPEN_ACL_UNSAFE);
        assertThat(body(read(OpCode.GET_ALL_CHILDREN_NUMBER, new Requests.PathOnly("/a"), ANON))
                        .readInt())
                .isEqualTo(2);
        // "/" counts /zookeeper, /zookeeper/quota, /zookeeper/config too.
        assertThat(body(read(OpCode.GET_ALL_CHILDREN_NUMBER, new Requests.PathOnly("/"), ANON))
                        .readInt())
                .isEqualTo(6);
    }

    @Test
    void unknownReadIsUnimplemented() {
        assertThat(read(OpCode.CREATE, new Requests.PathOnly("/"), ANON).err()).isEqualTo(Code.UNIMPLEMENTED);
        List<Requests.Op> ops = new ArrayList<>();
        ops.add(new Requests.Op(OpCode.EXISTS, new Requests.PathWatch("/", false)));
        assertThat(read(OpCode.MULTI_READ, new Requests.Multi(ops), ANON).err()).isEqualTo(Code.BADARGUMENTS);
    }
}
