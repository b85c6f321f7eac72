package io.coordinator.server.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Perms;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.tree.Acls;
import io.coordinator.server.tree.ApplyResult;
import io.coordinator.server.tree.DataNode;
import io.coordinator.server.tree.DataTree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Preparation against the tree plus txns prepared but not yet applied, in ZooKeeper 3.9's check order. */
class TxnPreparerTest {
    private static final Id IP = new Id("ip", "127.0.0.1");
    private static final String ALICE_DIGEST = Acls.digest("alice:secret");
    private static final PrepareContext ANON = new PrepareContext(1, List.of(IP));
    private static final PrepareContext ALICE = new PrepareContext(2, List.of(IP, new Id("digest", ALICE_DIGEST)));
    private static final PrepareContext SUPER = new PrepareContext(3, List.of(IP, new Id("super", "")));
    private static final List<Acl> ALICE_ONLY = List.of(new Acl(Perms.ALL, new Id("digest", ALICE_DIGEST)));
    private static final byte[] DATA = "d".getBytes(StandardCharsets.UTF_8);

    private final DataTree tree = new DataTree();
    private final PendingChanges pending = new PendingChanges(tree);
    private TxnPreparer preparer = new TxnPreparer(tree, pending, false, true);
    private long zxid;
    /** zxid -> txn, prepared and not yet applied. */
    private final List<Object[]> inFlight = new ArrayList<>();

    private Txn prepare(int type, Requests.Body body, PrepareContext ctx) {
        long z = ++zxid;
        Txn txn = preparer.prepare(type, body, ctx, z);
        inFlight.add(new Object[] {z, txn, ctx.sessionId()});
        return txn;
    }

    private Txn prepare(Requests.Body body) {
        return prepare(opOf(body), body, ANON);
    }

    /** Applies every in-flight txn in zxid order, as the pipeline does once they are durable. */
    private List<ApplyResult> applyAll() {
        List<ApplyResult> results = new ArrayList<>();
        for (Object[] f : inFlight) {
            long z = (Long) f[0];
            Txn txn = (Txn) f[1];
            results.add(tree.apply(new TxnHeader((Long) f[2], 0, z, 1000 + z, txn.type()), txn));
            pending.applied(z);
        }
        inFlight.clear();
        assertThat(pending.isEmpty()).isTrue();
        return results;
    }

    private Txn commit(int type, Requests.Body body, PrepareContext ctx) {
        Txn txn = prepare(type, body, ctx);
        applyAll();
        return txn;
    }

    private Txn commit(Requests.Body body) {
        return commit(opOf(body), body, ANON);
    }

    private static int opOf(Requests.Body body) {
        if (body instanceof Requests.Create c) {
            return c.ttl() >= 0 ? OpCode.CREATE_TTL : OpCode.CREATE;
        } else if (body instanceof Requests.Delete) {
            return OpCode.DELETE;
        } else if (body instanceof Requests.SetData) {
            return OpCode.SET_DATA;
        } else if (body instanceof Requests.SetAcl) {
            return OpCode.SET_ACL;
        } else if (body instanceof Requests.CheckVersion) {
            return OpCode.CHECK;
        } else if (body instanceof Requests.Multi) {
            return OpCode.MULTI;
        }
        throw new IllegalArgumentException(body.toString());
    }

    private static Requests.Create create(String path) {
        return create(path, 0);
    }

    private static Requests.Create create(String path, int flags) {
        return new Requests.Create(path, DATA, Acl.OPEN_ACL_UNSAFE, flags, -1);
    }

    private static Requests.Create create(String path, List<Acl> acl) {
        return new Requests.Create(path, DATA, acl, 0, -1);
    }

    private static Requests.Create createTtl(String path, int flags, long ttl) {
        return new Requests.Create(path, DATA, Acl.OPEN_ACL_UNSAFE, flags, ttl);
    }

    private static Requests.Multi multi(Requests.Body... ops) {
        List<Requests.Op> list = new ArrayList<>();
        for (Requests.Body b : ops) {
            list.add(new Requests.Op(opOf(b), b));
        }
        return new Requests.Multi(list);
    }

    private static int err(Txn txn) {
        assertThat(txn).isInstanceOf(Txn.Error.class);
        return ((Txn.Error) txn).err();
    }

    private static List<Integer> multiErrs(Txn txn) {
        assertThat(txn).isInstanceOf(Txn.Multi.class);
        List<Integer> codes = new ArrayList<>();
        for (Txn t : ((Txn.Multi) txn).txns()) {
            codes.add(err(t));
        }
        return codes;
    }

    private static String createdPath(Txn txn) {
        assertThat(txn).isInstanceOf(Txn.Create.class);
        return ((Txn.Create) txn).path();
    }

    // ------------------------------------------------------------------ in-flight creates

    @Test
    void secondCreateOfSamePathInFlightIsNodeExists() {
        assertThat(createdPath(prepare(create("/a")))).isEqualTo("/a");
        assertThat(tree.getNode("/a")).isNull();
        assertThat(err(prepare(create("/a")))).isEqualTo(Code.NODEEXISTS);
        List<ApplyResult> results = applyAll();
        assertThat(results.get(0).isOk()).isTrue();
        assertThat(tree.getNode("/a")).isNotNull();
        assertThat(err(prepare(create("/a")))).isEqualTo(Code.NODEEXISTS);
    }

    @Test
    void createUnderParentWhoseCreateIsPendingSucceeds() {
        prepare(create("/p"));
        prepare(create("/p/c"));
        Txn grandChild = prepare(create("/p/c/g"));
        assertThat(createdPath(grandChild)).isEqualTo("/p/c/g");
        assertThat(applyAll()).allMatch(ApplyResult::isOk);
        assertThat(tree.getNode("/p/c/g")).isNotNull();
        assertThat(tree.getNode("/p").numChildren()).isEqualTo(1);
    }

    @Test
    void createAfterPendingDeleteSucceedsAndDeleteAfterPendingDeleteIsNoNode() {
        commit(create("/x"));
        prepare(new Requests.Delete("/x", -1));
        assertThat(err(prepare(new Requests.Delete("/x", -1)))).isEqualTo(Code.NONODE);
        assertThat(err(prepare(new Requests.SetData("/x", DATA, -1)))).isEqualTo(Code.NONODE);
        assertThat(createdPath(prepare(create("/x")))).isEqualTo("/x");
        List<ApplyResult> results = applyAll();
        assertThat(results.get(0).isOk()).isTrue();
        assertThat(results.get(3).isOk()).isTrue();
        assertThat(tree.getNode("/x")).isNotNull();
    }

    @Test
    void pendingChildMakesParentNotEmpty() {
        commit(create("/p"));
        prepare(create("/p/c"));
        assertThat(err(prepare(new Requests.Delete("/p", -1)))).isEqualTo(Code.NOTEMPTY);
        prepare(new Requests.Delete("/p/c", -1));
        assertThat(prepare(new Requests.Delete("/p", -1))).isInstanceOf(Txn.Delete.class);
        List<ApplyResult> results = applyAll();
        assertThat(results).extracting(ApplyResult::err).containsExactly(Code.OK, Code.NOTEMPTY, Code.OK, Code.OK);
        assertThat(tree.getNode("/p")).isNull();
    }

    // ------------------------------------------------------------------ sequential suffixes

    @Test
    void sequentialSuffixComesFromTheStoredCversion() {
        commit(create("/p"));
        commit(create("/p/a"));
        commit(new Requests.Delete("/p/a", -1));
        // stored cversion is 1 (one child creation); the shown one is 2.
        assertThat(tree.getNode("/p").storedCversion()).isEqualTo(1);
        assertThat(tree.getNode("/p").stat().cversion()).isEqualTo(2);
        Txn txn = commit(create("/p/s", 2));
        assertThat(createdPath(txn)).isEqualTo("/p/s0000000001");
        assertThat(((Txn.Create) txn).parentCVersion()).isEqualTo(2);
        assertThat(tree.getNode("/p/s0000000001")).isNotNull();
        assertThat(tree.getNode("/p").stat().cversion()).isEqualTo(3);
    }

    @Test
    void inFlightSequentialCreatesGetConsecutiveSuffixes() {
        commit(create("/q"));
        assertThat(createdPath(prepare(create("/q/n-", 2)))).isEqualTo("/q/n-0000000000");
        assertThat(createdPath(prepare(create("/q/e-", 3)))).isEqualTo("/q/e-0000000001");
        assertThat(createdPath(prepare(create("/q/plain")))).isEqualTo("/q/plain");
        assertThat(createdPath(prepare(create("/q/n-", 2)))).isEqualTo("/q/n-0000000003");
        assertThat(applyAll()).allMatch(ApplyResult::isOk);
        assertThat(tree.getNode("/q").childNames())
                .containsExactlyInAnyOrder("n-0000000000", "e-0000000001", "plain", "n-0000000003");
        assertThat(createdPath(prepare(create("/q/n-", 2)))).isEqualTo("/q/n-0000000004");
    }

    @Test
    void severalSequentialCreatesInOneMultiGetConsecutiveSuffixes() {
        commit(create("/q"));
        commit(create("/q/x"));
        Txn txn = prepare(multi(create("/q/item-", 2), create("/q/item-", 2), create("/q/other-", 2)));
        assertThat(txn).isInstanceOf(Txn.Multi.class);
        List<String> paths = ((Txn.Multi) txn)
                .txns().stream().map(TxnPreparerTest::createdPath).toList();
        assertThat(paths).containsExactly("/q/item-0000000001", "/q/item-0000000002", "/q/other-0000000003");
        // A create in flight after the multi continues the sequence.
        assertThat(createdPath(prepare(create("/q/item-", 2)))).isEqualTo("/q/item-0000000004");
        applyAll();
        assertThat(tree.getNode("/q").childNames()).hasSize(5);
        assertThat(tree.getNode("/q").storedCversion()).isEqualTo(5);
    }

    // ------------------------------------------------------------------ delete

    @Test
    void deleteBadVersionBeatsNotEmpty() {
        commit(create("/d"));
        commit(create("/d/c"));
        assertThat(err(prepare(new Requests.Delete("/d", 5)))).isEqualTo(Code.BADVERSION);
        assertThat(err(prepare(new Requests.Delete("/d", 0)))).isEqualTo(Code.NOTEMPTY);
        assertThat(err(prepare(new Requests.Delete("/d", -1)))).isEqualTo(Code.NOTEMPTY);
        assertThat(prepare(new Requests.Delete("/d/c", 0))).isEqualTo(new Txn.Delete("/d/c"));
    }

    @Test
    void deleteWithMissingParentOrNodeIsNoNode() {
        assertThat(err(prepare(new Requests.Delete("/nope/child", -1)))).isEqualTo(Code.NONODE);
        assertThat(err(prepare(new Requests.Delete("/nope", -1)))).isEqualTo(Code.NONODE);
        // NONODE beats a version mismatch.
        assertThat(err(prepare(new Requests.Delete("/nope", 3)))).isEqualTo(Code.NONODE);
    }

    @Test
    void deleteOfSystemPathsIsBadArguments() {
        for (String p : List.of("/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config")) {
            assertThat(err(prepare(new Requests.Delete(p, -1)))).as(p).isEqualTo(Code.BADARGUMENTS);
        }
        assertThat(err(prepare(new Requests.Delete("no-slash", -1)))).isEqualTo(Code.BADARGUMENTS);
        assertThat(tree.getNode("/zookeeper/config")).isNotNull();
    }

    @Test
    void deleteNeedsDeleteOnTheParentBeforeLookingAtTheNode() {
        commit(OpCode.CREATE, create("/s", ALICE_ONLY), ALICE);
        commit(OpCode.CREATE, create("/s/c"), ALICE);
        assertThat(err(prepare(OpCode.DELETE, new Requests.Delete("/s/missing", -1), ANON)))
                .isEqualTo(Code.NOAUTH);
        assertThat(err(prepare(OpCode.DELETE, new Requests.Delete("/s/c", 7), ANON)))
                .isEqualTo(Code.NOAUTH);
        assertThat(err(prepare(OpCode.DELETE, new Requests.Delete("/s/c", 7), ALICE)))
                .isEqualTo(Code.BADVERSION);
        assertThat(prepare(OpCode.DELETE, new Requests.Delete("/s/c", 0), SUPER))
                .isInstanceOf(Txn.Delete.class);
    }

    // ------------------------------------------------------------------ create checks

    @Test
    void ephemeralParentIsNoChildrenForEphemerals() {
        commit(OpCode.CREATE, create("/e", 1), ALICE);
        assertThat(tree.getNode("/e").ephemeralOwner()).isEqualTo(ALICE.sessionId());
        assertThat(err(prepare(create("/e/c")))).isEqualTo(Code.NOCHILDRENFOREPHEMERALS);
        // Also when the ephemeral parent is still in flight.
        prepare(OpCode.CREATE, create("/e2", 3), ALICE);
        assertThat(err(prepare(create("/e20000000001/c")))).isEqualTo(Code.NOCHILDRENFOREPHEMERALS);
        // NODEEXISTS is checked before the ephemeral parent.
        prepare(OpCode.CREATE, create("/e3", 0), ALICE);
        assertThat(err(prepare(create("/e3")))).isEqualTo(Code.NODEEXISTS);
    }

    @Test
    void containerAndTtlParentsAcceptChildren() {
        preparer = new TxnPreparer(tree, pending, true, true);
        Txn c = commit(OpCode.CREATE_CONTAINER, create("/c", 4), ANON);
        assertThat(((Txn.Create) c).ephemeralOwner()).isEqualTo(Txn.CONTAINER_OWNER);
        commit(createTtl("/t", 5, 60_000));
        assertThat(createdPath(prepare(create("/c/x")))).isEqualTo("/c/x");
        assertThat(createdPath(prepare(create("/t/x")))).isEqualTo("/t/x");
    }

    @Test
    void unknownFlagsAreBadArgumentsBeforeAnythingElse() {
        assertThat(err(prepare(create("/a", 7)))).isEqualTo(Code.BADARGUMENTS);
        assertThat(err(prepare(create("/a", -1)))).isEqualTo(Code.BADARGUMENTS);
        // Even with a missing parent and an invalid ACL.
        assertThat(err(prepare(new Requests.Create("/missing/a", DATA, List.of(), 99, -1))))
                .isEqualTo(Code.BADARGUMENTS);
    }

    @Test
    void ttlDisabledIsUnimplemented() {
        assertThat(err(prepare(createTtl("/t", 5, 1000)))).isEqualTo(Code.UNIMPLEMENTED);
        assertThat(err(prepare(createTtl("/t", 6, 1000)))).isEqualTo(Code.UNIMPLEMENTED);
        // Disabled beats a bad ttl.
        assertThat(err(prepare(createTtl("/t", 5, 0)))).isEqualTo(Code.UNIMPLEMENTED);
        assertThat(tree.getNode("/t")).isNull();
    }

    @Test
    void badTtlIsBadArguments() {
        preparer = new TxnPreparer(tree, pending, true, true);
        assertThat(err(prepare(createTtl("/t", 5, 0)))).isEqualTo(Code.BADARGUMENTS);
        assertThat(err(prepare(createTtl("/t", 5, -5)))).isEqualTo(Code.BADARGUMENTS);
        assertThat(err(prepare(createTtl("/t", 5, Txn.MAX_TTL + 1)))).isEqualTo(Code.BADARGUMENTS);
        // A ttl for a mode that has none.
        assertThat(err(prepare(OpCode.CREATE_TTL, createTtl("/t", 0, 1000), ANON)))
                .isEqualTo(Code.BADARGUMENTS);
        // Bad ttl beats a missing parent.
        assertThat(err(prepare(createTtl("/missing/t", 5, 0)))).isEqualTo(Code.BADARGUMENTS);
        Txn ok = prepare(createTtl("/t", 6, Txn.MAX_TTL));
        assertThat(createdPath(ok)).isEqualTo("/t0000000000");
        assertThat(((Txn.Create) ok).ephemeralOwner()).isEqualTo(Txn.TTL_OWNER_BITS | Txn.MAX_TTL);
    }

    @Test
    void invalidAclIsInvalidAclBeforeParentExistence() {
        assertThat(err(prepare(create("/a", List.of())))).isEqualTo(Code.INVALIDACL);
        assertThat(err(prepare(new Requests.Create("/a", DATA, null, 0, -1)))).isEqualTo(Code.INVALIDACL);
        assertThat(err(prepare(create("/a", List.of(new Acl(Perms.ALL, new Id("digest", "nocolon")))))))
                .isEqualTo(Code.INVALIDACL);
        assertThat(err(prepare(create("/a", List.of(new Acl(Perms.ALL, new Id("ip", "not.an.ip")))))))
                .isEqualTo(Code.INVALIDACL);
        assertThat(err(prepare(create("/a", List.of(new Acl(Perms.ALL, new Id("nosuch", "x")))))))
                .isEqualTo(Code.INVALIDACL);
        // "auth" with no authenticated id (ip does not count).
        assertThat(err(prepare(create("/a", List.of(new Acl(Perms.ALL, new Id("auth", "")))))))
                .isEqualTo(Code.INVALIDACL);
        assertThat(err(prepare(create("/missing/a", List.of())))).isEqualTo(Code.INVALIDACL);
        assertThat(tree.getNode("/a")).isNull();
    }

    @Test
    void authAclExpandsToTheCallersDigestAndDuplicatesGo() {
        Acl auth = new Acl(Perms.ALL, new Id("auth", ""));
        Txn txn = prepare(OpCode.CREATE, create("/a", List.of(auth, auth)), ALICE);
        assertThat(((Txn.Create) txn).acl()).containsExactly(new Acl(Perms.ALL, new Id("digest", ALICE_DIGEST)));
    }

    @Test
    void createPathChecks() {
        assertThat(err(prepare(create("/missing/a")))).isEqualTo(Code.NONODE);
        assertThat(err(prepare(create("/x/")))).isEqualTo(Code.NONODE); // parent "/x" is missing
        commit(create("/x"));
        assertThat(err(prepare(create("/x/")))).isEqualTo(Code.BADARGUMENTS);
        assertThat(err(prepare(create("/x/.")))).isEqualTo(Code.BADARGUMENTS);
        assertThat(err(prepare(create("relative")))).isEqualTo(Code.BADARGUMENTS);
        assertThat(err(prepare(create("/x/a\0b")))).isEqualTo(Code.BADARGUMENTS);
        assertThat(err(prepare(create("/x/bad\u0001")))).isEqualTo(Code.BADARGUMENTS);
        // As in ZooKeeper, "/" has parent "/" (its root is "" and "/" alike), so it already exists.
        assertThat(err(prepare(create("/")))).isEqualTo(Code.NODEEXISTS);
        // Creating under /zookeeper is allowed.
        assertThat(createdPath(prepare(create("/zookeeper/mine")))).isEqualTo("/zookeeper/mine");
    }

    // ------------------------------------------------------------------ ACLs

    @Test
    void digestAclGuardsEveryWriteAndSuperBypasses() {
        commit(OpCode.CREATE, create("/sec", ALICE_ONLY), ALICE);
        commit(OpCode.CREATE, create("/sec/c"), ALICE);

        assertThat(err(prepare(OpCode.CREATE, create("/sec/n"), ANON))).isEqualTo(Code.NOAUTH);
        // NOAUTH on the parent beats NODEEXISTS.
        assertThat(err(prepare(OpCode.CREATE, create("/sec/c"), ANON))).isEqualTo(Code.NOAUTH);
        assertThat(err(prepare(OpCode.SET_DATA, new Requests.SetData("/sec", DATA, -1), ANON)))
                .isEqualTo(Code.NOAUTH);
        assertThat(err(prepare(OpCode.SET_ACL, new Requests.SetAcl("/sec", Acl.OPEN_ACL_UNSAFE, -1), ANON)))
                .isEqualTo(Code.NOAUTH);
        assertThat(err(prepare(OpCode.DELETE, new Requests.Delete("/sec/c", -1), ANON)))
                .isEqualTo(Code.NOAUTH);
        assertThat(multiErrs(prepare(OpCode.MULTI, multi(new Requests.CheckVersion("/sec", -1)), ANON)))
                .containsExactly(Code.NOAUTH);

        assertThat(prepare(OpCode.CREATE, create("/sec/n"), ALICE)).isInstanceOf(Txn.Create.class);
        assertThat(prepare(OpCode.SET_DATA, new Requests.SetData("/sec", DATA, -1), ALICE))
                .isInstanceOf(Txn.SetData.class);
        assertThat(prepare(OpCode.CREATE, create("/sec/m"), SUPER)).isInstanceOf(Txn.Create.class);
        assertThat(prepare(OpCode.SET_DATA, new Requests.SetData("/sec", DATA, -1), SUPER))
                .isInstanceOf(Txn.SetData.class);
        assertThat(prepare(OpCode.DELETE, new Requests.Delete("/sec/c", -1), SUPER))
                .isInstanceOf(Txn.Delete.class);
        assertThat(prepare(OpCode.SET_ACL, new Requests.SetAcl("/sec", Acl.OPEN_ACL_UNSAFE, -1), SUPER))
                .isInstanceOf(Txn.SetAcl.class);
        // The pending setACL opened the node up for everyone.
        assertThat(prepare(OpCode.CREATE, create("/sec/anon"), ANON)).isInstanceOf(Txn.Create.class);
        applyAll();
        assertThat(tree.getNode("/sec").childNames()).containsExactlyInAnyOrder("n", "m", "anon");
        assertThat(tree.getNode("/sec").acl()).isEqualTo(Acl.OPEN_ACL_UNSAFE);
    }

    @Test
    void partialPermissionsAreCheckedPerOperation() {
        List<Acl> readCreate = List.of(
                new Acl(Perms.READ | Perms.CREATE, Id.ANYONE), new Acl(Perms.ALL, new Id("digest", ALICE_DIGEST)));
        commit(OpCode.CREATE, create("/rc", readCreate), ALICE);
        assertThat(prepare(OpCode.CREATE, create("/rc/c"), ANON)).isInstanceOf(Txn.Create.class);
        assertThat(err(prepare(OpCode.DELETE, new Requests.Delete("/rc/c", -1), ANON)))
                .isEqualTo(Code.NOAUTH);
        assertThat(err(prepare(OpCode.SET_DATA, new Requests.SetData("/rc", DATA, -1), ANON)))
                .isEqualTo(Code.NOAUTH);
        assertThat(prepare(OpCode.MULTI, multi(new Requests.CheckVersion("/rc", 0)), ANON))
                .isEqualTo(new Txn.Multi(List.of(new Txn.Check("/rc", 0))));
    }

    @Test
    void systemConfigNodeIsReadOnly() {
        assertThat(err(prepare(new Requests.SetData("/zookeeper/config", DATA, -1))))
                .isEqualTo(Code.NOAUTH);
    }

    // ------------------------------------------------------------------ multi

    @Test
    void failedMultiGivesZeroThenCodeThenRuntimeInconsistency() {
        commit(create("/exists"));
        Txn txn = prepare(
                multi(create("/m1"), create("/m2"), create("/exists"), create("/m3"), new Requests.Delete("/m1", -1)));
        assertThat(multiErrs(txn))
                .containsExactly(
                        Code.OK, Code.OK, Code.NODEEXISTS, Code.RUNTIMEINCONSISTENCY, Code.RUNTIMEINCONSISTENCY);
        assertThat(multiErrs(prepare(multi(new Requests.SetData("/missing", DATA, -1), create("/m1")))))
                .containsExactly(Code.NONODE, Code.RUNTIMEINCONSISTENCY);
    }

    @Test
    void failedMultiLeavesNoPendingChangeBehind() {
        prepare(create("/x")); // in flight before the multi: must survive the rollback
        Txn failed = prepare(multi(
                create("/m1"),
                create("/m1/c"),
                new Requests.SetData("/x", DATA, 0),
                new Requests.Delete("/x", 0),
                create("/x")));
        // setData bumped /x's version to 1, so delete with version 0 fails.
        assertThat(multiErrs(failed))
                .containsExactly(Code.OK, Code.OK, Code.OK, Code.BADVERSION, Code.RUNTIMEINCONSISTENCY);
        // Nothing the multi did is visible: /m1 can be created, /x still has version 0 and no pending delete.
        assertThat(createdPath(prepare(create("/m1")))).isEqualTo("/m1");
        assertThat(err(prepare(create("/m1/c/d")))).isEqualTo(Code.NONODE);
        assertThat(prepare(new Requests.SetData("/x", DATA, 0))).isEqualTo(new Txn.SetData("/x", DATA, 1));
        // The root's stored cversion counts /x and /m1 only: 2 creations.
        assertThat(createdPath(prepare(create("/s", 2)))).isEqualTo("/s0000000002");
        assertThat(applyAll())
                .extracting(ApplyResult::err)
                .containsExactly(Code.OK, Code.BADVERSION, Code.OK, Code.NONODE, Code.OK, Code.OK);
        assertThat(tree.getNode("/m1").childNames()).isEmpty();
    }

    @Test
    void failedSingleWriteLeavesNoPendingChangeBehind() {
        commit(create("/p"));
        assertThat(err(prepare(create("/p/c", 99)))).isEqualTo(Code.BADARGUMENTS);
        assertThat(err(prepare(new Requests.Delete("/p", 4)))).isEqualTo(Code.BADVERSION);
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void successfulMultiSeesItsOwnEarlierOps() {
        Txn txn = prepare(multi(
                create("/ma"),
                create("/ma/b"),
                new Requests.SetData("/ma", DATA, 0),
                new Requests.CheckVersion("/ma", 1),
                new Requests.Delete("/ma/b", 0)));
        assertThat(txn).isInstanceOf(Txn.Multi.class);
        assertThat(((Txn.Multi) txn).txns())
                .extracting(Txn::type)
                .containsExactly(OpCode.CREATE, OpCode.CREATE, OpCode.SET_DATA, OpCode.CHECK, OpCode.DELETE);
        // And later requests see the multi's effects.
        assertThat(err(prepare(new Requests.CheckVersion("/ma", 0)))).isEqualTo(Code.BADVERSION);
        assertThat(err(prepare(create("/ma")))).isEqualTo(Code.NODEEXISTS);
        assertThat(prepare(new Requests.Delete("/ma", 1))).isInstanceOf(Txn.Delete.class);
        applyAll();
        assertThat(tree.getNode("/ma")).isNull();
    }

    // ------------------------------------------------------------------ versions

    @Test
    void setDataChecksTheVersionIncludingInFlightChanges() {
        commit(create("/v"));
        assertThat(err(prepare(new Requests.SetData("/v", DATA, 1)))).isEqualTo(Code.BADVERSION);
        assertThat(prepare(new Requests.SetData("/v", DATA, 0))).isEqualTo(new Txn.SetData("/v", DATA, 1));
        assertThat(err(prepare(new Requests.SetData("/v", DATA, 0)))).isEqualTo(Code.BADVERSION);
        assertThat(prepare(new Requests.SetData("/v", DATA, 1))).isEqualTo(new Txn.SetData("/v", DATA, 2));
        assertThat(prepare(new Requests.SetData("/v", DATA, -1))).isEqualTo(new Txn.SetData("/v", DATA, 3));
        assertThat(err(prepare(new Requests.SetData("/missing", DATA, -1)))).isEqualTo(Code.NONODE);
        assertThat(err(prepare(new Requests.SetData("bad", DATA, -1)))).isEqualTo(Code.BADARGUMENTS);
        applyAll();
        assertThat(tree.getNode("/v").version()).isEqualTo(3);
    }

    @Test
    void setAclChecksTheAclVersion() {
        commit(create("/v"));
        commit(new Requests.SetData("/v", DATA, 0)); // data version 1, acl version still 0
        assertThat(err(prepare(new Requests.SetAcl("/v", Acl.READ_ACL_UNSAFE, 1))))
                .isEqualTo(Code.BADVERSION);
        assertThat(prepare(new Requests.SetAcl("/v", Acl.OPEN_ACL_UNSAFE, 0)))
                .isEqualTo(new Txn.SetAcl("/v", Acl.OPEN_ACL_UNSAFE, 1));
        assertThat(err(prepare(new Requests.SetAcl("/v", Acl.OPEN_ACL_UNSAFE, 0))))
                .isEqualTo(Code.BADVERSION);
        assertThat(err(prepare(new Requests.SetAcl("/v", List.of(), 1)))).isEqualTo(Code.INVALIDACL);
        // INVALIDACL comes before NONODE.
        assertThat(err(prepare(new Requests.SetAcl("/missing", List.of(), -1)))).isEqualTo(Code.INVALIDACL);
        assertThat(err(prepare(new Requests.SetAcl("/missing", Acl.OPEN_ACL_UNSAFE, -1))))
                .isEqualTo(Code.NONODE);
        applyAll();
        DataNode n = tree.getNode("/v");
        assertThat(n.aversion()).isEqualTo(1);
        assertThat(n.version()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ quota

    private void setUpQuota(String limits) {
        commit(create("/zookeeper/quota/q"));
        commit(new Requests.Create(
                "/zookeeper/quota/q/zookeeper_limits",
                limits.getBytes(StandardCharsets.UTF_8),
                Acl.OPEN_ACL_UNSAFE,
                0,
                -1));
        commit(create("/q"));
        commit(new Requests.Create("/zookeeper/quota/q/zookeeper_stats", null, Acl.OPEN_ACL_UNSAFE, 0, -1));
        assertThat(new String(tree.getNode("/zookeeper/quota/q/zookeeper_stats").data(), StandardCharsets.UTF_8))
                .startsWith("count=1,bytes=1");
    }

    @Test
    void countHardLimitIsQuotaExceeded() {
        setUpQuota("count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=2");
        assertThat(createdPath(commit(create("/q/a")))).isEqualTo("/q/a");
        assertThat(err(prepare(create("/q/b")))).isEqualTo(Code.QUOTAEXCEEDED);
        assertThat(err(prepare(create("/q/a/deeper")))).isEqualTo(Code.QUOTAEXCEEDED);
        // Quota is the last check: an existing node is NODEEXISTS.
        assertThat(err(prepare(create("/q/a")))).isEqualTo(Code.NODEEXISTS);
        // Outside the quota'd subtree nothing is limited.
        assertThat(createdPath(prepare(create("/free")))).isEqualTo("/free");
        // setData changes no count.
        assertThat(prepare(new Requests.SetData("/q/a", DATA, -1))).isInstanceOf(Txn.SetData.class);
        commit(new Requests.Delete("/q/a", -1));
        assertThat(createdPath(prepare(create("/q/b")))).isEqualTo("/q/b");
    }

    @Test
    void byteHardLimitIsQuotaExceededForSetData() {
        setUpQuota("count=-1,bytes=-1=;byteHardLimit=4;countHardLimit=-1");
        assertThat(commit(new Requests.SetData("/q", new byte[4], -1))).isInstanceOf(Txn.SetData.class);
        assertThat(err(prepare(new Requests.SetData("/q", new byte[5], -1)))).isEqualTo(Code.QUOTAEXCEEDED);
        assertThat(err(prepare(create("/q/big", List.of())))).isEqualTo(Code.INVALIDACL);
        assertThat(err(prepare(new Requests.Create("/q/big", new byte[4], Acl.OPEN_ACL_UNSAFE, 0, -1))))
                .isEqualTo(Code.QUOTAEXCEEDED);
    }

    @Test
    void quotaIsNotEnforcedWhenDisabled() {
        setUpQuota("count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=1");
        preparer = new TxnPreparer(tree, pending, false, false);
        assertThat(createdPath(prepare(create("/q/a")))).isEqualTo("/q/a");
    }

    // ------------------------------------------------------------------ others

    @Test
    void reconfigIsDisabledAndReadsAreNotWrites() {
        assertThat(err(prepare(OpCode.RECONFIG, new Requests.Reconfig(null, null, null, -1), ANON)))
                .isEqualTo(Code.RECONFIGDISABLED);
        assertThat(err(prepare(OpCode.GET_DATA, new Requests.PathWatch("/", false), ANON)))
                .isEqualTo(Code.UNIMPLEMENTED);
    }

    @Test
    void closeSessionPreparesTheDeleteOfItsEphemerals() {
        commit(create("/p"));
        commit(OpCode.CREATE, create("/p/e1", 1), ALICE);
        commit(OpCode.CREATE, create("/p/e2", 1), ALICE);
        commit(OpCode.CREATE, create("/p/other", 1), ANON);
        long z = ++zxid;
        assertThat(preparer.closeSession(ALICE.sessionId(), z)).isEqualTo(new Txn.CloseSession(ALICE.sessionId()));
        inFlight.add(new Object[] {z, new Txn.CloseSession(ALICE.sessionId()), ALICE.sessionId()});
        // In flight, the ephemerals already count as gone.
        assertThat(createdPath(prepare(create("/p/e1")))).isEqualTo("/p/e1");
        assertThat(err(prepare(create("/p/other")))).isEqualTo(Code.NODEEXISTS);
        prepare(new Requests.Delete("/p/other", -1));
        prepare(new Requests.Delete("/p/e1", -1));
        assertThat(prepare(new Requests.Delete("/p", -1))).isInstanceOf(Txn.Delete.class);
        assertThat(applyAll())
                .extracting(ApplyResult::err)
                .containsExactly(Code.OK, Code.OK, Code.NODEEXISTS, Code.OK, Code.OK, Code.OK);
        assertThat(tree.getNode("/p")).isNull();
    }

    @Test
    void closeSessionAlsoDeletesEphemeralsStillInFlight() {
        commit(create("/p"));
        prepare(OpCode.CREATE, create("/p/e", 1), ALICE); // not applied yet
        long z = ++zxid;
        preparer.closeSession(ALICE.sessionId(), z);
        inFlight.add(new Object[] {z, new Txn.CloseSession(ALICE.sessionId()), ALICE.sessionId()});
        // Once the close is applied /p/e is gone, so /p may be deleted and /p/e re-created.
        assertThat(createdPath(prepare(create("/p/e")))).isEqualTo("/p/e");
        prepare(new Requests.Delete("/p/e", -1));
        assertThat(prepare(new Requests.Delete("/p", -1))).isInstanceOf(Txn.Delete.class);
        assertThat(applyAll()).allMatch(ApplyResult::isOk);
        assertThat(tree.getNode("/p")).isNull();
    }
}
