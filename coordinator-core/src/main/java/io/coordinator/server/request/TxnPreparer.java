package io.coordinator.server.request;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Perms;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.ZkException;
import io.coordinator.server.tree.Acls;
import io.coordinator.server.tree.DataTree;
import io.coordinator.server.tree.PathValidator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a write request into the txn that will be logged, replicated and applied, checking it against the
 * tree as it will be after every txn already prepared ({@link PendingChanges}). The checks run in the order
 * ZooKeeper 3.9's PrepRequestProcessor runs them, since that order decides which error a client sees.
 */
final class TxnPreparer {
    static final Set<String> SYSTEM_PATHS = Set.of("/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config");

    private final DataTree tree;
    private final PendingChanges pending;
    private final boolean ttlEnabled;
    private final boolean enforceQuota;
    private final Set<String> extraAuthSchemes;

    TxnPreparer(DataTree tree, PendingChanges pending, boolean ttlEnabled, boolean enforceQuota) {
        this(tree, pending, ttlEnabled, enforceQuota, Set.of());
    }

    TxnPreparer(
            DataTree tree,
            PendingChanges pending,
            boolean ttlEnabled,
            boolean enforceQuota,
            Set<String> extraAuthSchemes) {
        this.extraAuthSchemes = extraAuthSchemes;
        this.tree = tree;
        this.pending = pending;
        this.ttlEnabled = ttlEnabled;
        this.enforceQuota = enforceQuota;
    }

    /**
     * Prepares a write. Never throws for a client error: a failed request becomes {@link Txn.Error} (a failed
     * multi becomes a multi of error txns), which is what gets logged.
     */
    Txn prepare(int type, Requests.Body body, PrepareContext ctx, long zxid) {
        if (type == OpCode.MULTI) {
            return prepareMulti((Requests.Multi) body, ctx, zxid);
        }
        int mark = pending.mark();
        try {
            return prepareOne(type, body, ctx, zxid);
        } catch (ZkException e) {
            pending.rollback(mark);
            return new Txn.Error(e.code());
        }
    }

    private Txn prepareMulti(Requests.Multi multi, PrepareContext ctx, long zxid) {
        int mark = pending.mark();
        List<Txn> txns = new ArrayList<>(multi.ops().size());
        int failedAt = -1;
        int failCode = 0;
        for (int i = 0; i < multi.ops().size(); i++) {
            Requests.Op op = multi.ops().get(i);
            try {
                txns.add(prepareOne(op.type(), op.body(), ctx, zxid));
            } catch (ZkException e) {
                failedAt = i;
                failCode = e.code();
                break;
            }
        }
        if (failedAt < 0) {
            return new Txn.Multi(txns);
        }
        pending.rollback(mark);
        List<Txn> errors = new ArrayList<>(multi.ops().size());
        for (int i = 0; i < multi.ops().size(); i++) {
            int code = i < failedAt ? Code.OK : i == failedAt ? failCode : Code.RUNTIMEINCONSISTENCY;
            errors.add(new Txn.Error(code));
        }
        return new Txn.Multi(errors);
    }

    private Txn prepareOne(int type, Requests.Body body, PrepareContext ctx, long zxid) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL ->
                create(type, (Requests.Create) body, ctx, zxid);
            case OpCode.DELETE -> delete((Requests.Delete) body, ctx, zxid);
            case OpCode.DELETE_CONTAINER -> deleteContainer(((Requests.PathOnly) body).path(), zxid);
            case OpCode.SET_DATA -> setData((Requests.SetData) body, ctx, zxid);
            case OpCode.SET_ACL -> setAcl((Requests.SetAcl) body, ctx, zxid);
            case OpCode.CHECK -> check((Requests.CheckVersion) body, ctx);
            case OpCode.RECONFIG -> reconfig((Requests.Reconfig) body, ctx, zxid);
            default -> throw new ZkException(Code.UNIMPLEMENTED, "not a write: " + type);
        };
    }

    /** Null: reconfigEnabled is false (ZooKeeper's default), every reconfig is refused. */
    private ReconfigGate reconfigGate;

    void setReconfigGate(ReconfigGate gate) {
        this.reconfigGate = gate;
    }

    /**
     * As ZooKeeper 3.9's PrepRequestProcessor: enabled, then the change (its arguments, then the ensemble's answer:
     * standalone, in progress, version, quorum), and only then WRITE on /zookeeper/config (only a super user has
     * it). Clients rely on that order: Kazoo's TestReconfig expects BADARGUMENTS and BADVERSION without super.
     */
    private Txn reconfig(Requests.Reconfig req, PrepareContext ctx, long zxid) {
        if (reconfigGate == null) {
            throw new ZkException(Code.RECONFIGDISABLED, "reconfig is disabled (reconfigEnabled=false)");
        }
        NodeState config = pending.get(DataTree.CONFIG_PATH);
        Txn.Reconfig txn = ReconfigPreparer.prepare(req, config.data(), reconfigGate, zxid);
        checkAcl(config, Perms.WRITE, ctx);
        return txn;
    }

    private Txn create(int type, Requests.Create req, PrepareContext ctx, long zxid) {
        int flags = req.flags();
        if (flags < 0 || flags > 6) {
            throw new ZkException(Code.BADARGUMENTS, "unknown create flags " + flags);
        }
        boolean ephemeral = flags == 1 || flags == 3;
        boolean sequential = flags == 2 || flags == 3 || flags == 6;
        boolean container = flags == 4;
        boolean ttl = flags == 5 || flags == 6;
        if (ttl && !ttlEnabled) {
            throw new ZkException(Code.UNIMPLEMENTED, "TTL nodes are disabled (coordinator.ttl-nodes-enabled)");
        }
        if (ttl ? req.ttl() <= 0 || req.ttl() > Txn.MAX_TTL : req.ttl() >= 0) {
            throw new ZkException(Code.BADARGUMENTS, "bad ttl " + req.ttl());
        }
        String path = req.path();
        int lastSlash = path == null ? -1 : path.lastIndexOf('/');
        if (lastSlash < 0 || path.indexOf('\0') >= 0) {
            throw new ZkException(Code.BADARGUMENTS, "bad path " + path);
        }
        List<Acl> acl = Acls.fixup(req.acl(), ctx.authIds(), extraAuthSchemes);
        String parentPath = lastSlash == 0 ? "/" : path.substring(0, lastSlash);
        NodeState parent = pending.get(parentPath);
        if (parent == null) {
            throw new ZkException(Code.NONODE, parentPath);
        }
        checkAcl(parent, Perms.CREATE, ctx);
        if (sequential) {
            path = path + String.format(Locale.ROOT, "%010d", parent.storedCversion());
        }
        PathValidator.validate(path);
        if (pending.get(path) != null) {
            throw new ZkException(Code.NODEEXISTS, path);
        }
        if (Txn.sessionOwner(parent.ephemeralOwner()) != 0) {
            throw new ZkException(Code.NOCHILDRENFOREPHEMERALS, path);
        }
        if (enforceQuota) {
            tree.checkQuota(path, req.data() == null ? 0 : req.data().length, 1);
        }
        long owner = container
                ? Txn.CONTAINER_OWNER
                : ttl ? Txn.TTL_OWNER_BITS | req.ttl() : ephemeral ? ctx.sessionId() : 0;
        int newCversion = parent.storedCversion() + 1;
        pending.add(parent.withChildAdded(zxid, newCversion));
        pending.add(new NodeState(zxid, path, true, req.data(), acl, 0, 0, 0, owner, 0));
        return new Txn.Create(path, req.data(), acl, owner, newCversion);
    }

    private static String parentOf(String path) {
        int lastSlash = path == null ? -1 : path.lastIndexOf('/');
        if (lastSlash < 0 || path.indexOf('\0') >= 0 || SYSTEM_PATHS.contains(path)) {
            throw new ZkException(Code.BADARGUMENTS, "bad path " + path);
        }
        return lastSlash == 0 ? "/" : path.substring(0, lastSlash);
    }

    private Txn delete(Requests.Delete req, PrepareContext ctx, long zxid) {
        String parentPath = parentOf(req.path());
        NodeState parent = pending.get(parentPath);
        if (parent == null) {
            throw new ZkException(Code.NONODE, parentPath);
        }
        checkAcl(parent, Perms.DELETE, ctx);
        NodeState node = pending.get(req.path());
        if (node == null) {
            throw new ZkException(Code.NONODE, req.path());
        }
        checkVersion(node.version(), req.version(), req.path());
        if (node.numChildren() > 0) {
            throw new ZkException(Code.NOTEMPTY, req.path());
        }
        pending.add(parent.withChildRemoved(zxid));
        pending.add(node.deleted(zxid));
        return new Txn.Delete(req.path());
    }

    /** The container/TTL reaper's delete: only childless, non-ephemeral nodes. */
    private Txn deleteContainer(String path, long zxid) {
        String parentPath = parentOf(path);
        NodeState node = pending.get(path);
        if (node == null) {
            throw new ZkException(Code.NONODE, path);
        }
        if (node.numChildren() > 0) {
            throw new ZkException(Code.NOTEMPTY, path);
        }
        if (Txn.sessionOwner(node.ephemeralOwner()) != 0) {
            throw new ZkException(Code.BADVERSION, path);
        }
        NodeState parent = pending.get(parentPath);
        if (parent == null) {
            throw new ZkException(Code.NONODE, parentPath);
        }
        pending.add(parent.withChildRemoved(zxid));
        pending.add(node.deleted(zxid));
        return new Txn.Delete(path);
    }

    private Txn setData(Requests.SetData req, PrepareContext ctx, long zxid) {
        PathValidator.validate(req.path());
        NodeState node = pending.get(req.path());
        if (node == null) {
            throw new ZkException(Code.NONODE, req.path());
        }
        checkAcl(node, Perms.WRITE, ctx);
        if (enforceQuota) {
            int newLen = req.data() == null ? 0 : req.data().length;
            tree.checkQuota(req.path(), newLen - node.dataLength(), 0);
        }
        int newVersion = checkVersion(node.version(), req.version(), req.path());
        pending.add(node.withData(zxid, req.data(), newVersion));
        return new Txn.SetData(req.path(), req.data(), newVersion);
    }

    private Txn setAcl(Requests.SetAcl req, PrepareContext ctx, long zxid) {
        PathValidator.validate(req.path());
        List<Acl> acl = Acls.fixup(req.acl(), ctx.authIds(), extraAuthSchemes);
        NodeState node = pending.get(req.path());
        if (node == null) {
            throw new ZkException(Code.NONODE, req.path());
        }
        checkAcl(node, Perms.ADMIN, ctx);
        int newVersion = checkVersion(node.aversion(), req.version(), req.path());
        pending.add(node.withAcl(zxid, acl, newVersion));
        return new Txn.SetAcl(req.path(), acl, newVersion);
    }

    private Txn check(Requests.CheckVersion req, PrepareContext ctx) {
        PathValidator.validate(req.path());
        NodeState node = pending.get(req.path());
        if (node == null) {
            throw new ZkException(Code.NONODE, req.path());
        }
        checkAcl(node, Perms.READ, ctx);
        checkVersion(node.version(), req.version(), req.path());
        return new Txn.Check(req.path(), req.version());
    }

    /** Prepares a session close: records the deletes of its ephemerals so later preparation sees them gone. */
    Txn closeSession(long sessionId, long zxid) {
        Set<String> ephemerals = new HashSet<>(tree.getEphemerals(sessionId));
        // Creates still in flight apply before the close, so their nodes go with it too (as in ZooKeeper).
        ephemerals.addAll(pending.pendingEphemerals(sessionId));
        for (String path : ephemerals) {
            NodeState node = pending.get(path);
            if (node != null && node.ephemeralOwner() == sessionId) {
                String parentPath = path.substring(0, Math.max(1, path.lastIndexOf('/')));
                NodeState parent = pending.get(parentPath);
                if (parent != null) {
                    pending.add(parent.withChildRemoved(zxid));
                }
                pending.add(node.deleted(zxid));
            }
        }
        return new Txn.CloseSession(sessionId);
    }

    private static int checkVersion(int current, int expected, String path) {
        if (expected != -1 && expected != current) {
            throw new ZkException(Code.BADVERSION, path);
        }
        return current + 1;
    }

    private static void checkAcl(NodeState node, int perm, PrepareContext ctx) {
        if (ctx.isSuper() || node.acl() == null || node.acl().isEmpty()) {
            return;
        }
        if (!Acls.permits(node.acl(), perm, ctx.authIds())) {
            throw new ZkException(Code.NOAUTH, node.path());
        }
    }
}
