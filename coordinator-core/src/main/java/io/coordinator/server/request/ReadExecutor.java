package io.coordinator.server.request;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.JuteRecord;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Perms;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Stat;
import io.coordinator.server.protocol.ZkException;
import io.coordinator.server.tree.AclAndStat;
import io.coordinator.server.tree.Acls;
import io.coordinator.server.tree.ChildrenAndStat;
import io.coordinator.server.tree.DataAndStat;
import io.coordinator.server.tree.DataNode;
import io.coordinator.server.tree.DataTree;
import io.coordinator.server.tree.Watcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers reads from the local tree, with ZooKeeper 3.9's ACL rules (FinalRequestProcessor): getData,
 * getChildren and exists of an existing node need READ; getACL needs READ or ADMIN and hides digest
 * hashes without ADMIN. A read that fails its ACL check arms no watch.
 */
final class ReadExecutor {
    private final DataTree tree;

    ReadExecutor(DataTree tree) {
        this.tree = tree;
    }

    Reply execute(int type, Requests.Body body, PrepareContext ctx, Watcher watcher) {
        try {
            return Reply.ok(read(type, body, ctx, watcher));
        } catch (ZkException e) {
            return Reply.error(e.code());
        }
    }

    private JuteRecord read(int type, Requests.Body body, PrepareContext ctx, Watcher watcher) {
        switch (type) {
            case OpCode.EXISTS: {
                Requests.PathWatch r = (Requests.PathWatch) body;
                if (r.path() == null || r.path().indexOf('\0') >= 0) {
                    throw new ZkException(Code.BADARGUMENTS);
                }
                DataNode n = tree.getNode(r.path());
                if (n != null) {
                    checkAcl(n.acl(), Perms.READ, ctx);
                }
                Stat stat = tree.exists(r.path(), r.watch() ? watcher : null);
                return stat;
            }
            case OpCode.GET_DATA: {
                Requests.PathWatch r = (Requests.PathWatch) body;
                checkAcl(existing(r.path()).acl(), Perms.READ, ctx);
                DataAndStat d = tree.getData(r.path(), r.watch() ? watcher : null);
                return out -> {
                    out.writeBuffer(d.data());
                    d.stat().write(out);
                };
            }
            case OpCode.GET_CHILDREN, OpCode.GET_CHILDREN2: {
                Requests.PathWatch r = (Requests.PathWatch) body;
                checkAcl(existing(r.path()).acl(), Perms.READ, ctx);
                ChildrenAndStat c = tree.getChildren(r.path(), r.watch() ? watcher : null);
                if (type == OpCode.GET_CHILDREN) {
                    return out -> out.writeStrings(c.children());
                }
                return out -> {
                    out.writeStrings(c.children());
                    c.stat().write(out);
                };
            }
            case OpCode.GET_ACL: {
                String path = ((Requests.PathOnly) body).path();
                DataNode n = existing(path);
                checkAcl(n.acl(), Perms.READ | Perms.ADMIN, ctx);
                AclAndStat a = tree.getAcl(path);
                List<Acl> shown = a.acl();
                if (!ctx.isSuper() && !permits(n.acl(), Perms.ADMIN, ctx)) {
                    shown = new ArrayList<>(a.acl().size());
                    for (Acl acl : a.acl()) {
                        Id id = acl.id();
                        if ("digest".equals(id.scheme()) && id.id() != null) {
                            id = new Id(id.scheme(), id.id().replaceAll(":.*", ":x"));
                        }
                        shown.add(new Acl(acl.perms(), id));
                    }
                }
                List<Acl> result = shown;
                return out -> {
                    Acl.writeList(out, result);
                    a.stat().write(out);
                };
            }
            case OpCode.GET_ALL_CHILDREN_NUMBER: {
                String path = ((Requests.PathOnly) body).path();
                checkAcl(existing(path).acl(), Perms.READ, ctx);
                int n = tree.allChildrenNumber(path);
                return out -> out.writeInt(n);
            }
            case OpCode.GET_EPHEMERALS: {
                String prefix = ((Requests.PathOnly) body).path();
                List<String> all = tree.getEphemerals(ctx.sessionId());
                List<String> result;
                if (prefix == null || prefix.trim().isEmpty() || "/".equals(prefix.trim())) {
                    result = all;
                } else {
                    result = new ArrayList<>();
                    for (String p : all) {
                        if (p.startsWith(prefix)) {
                            result.add(p);
                        }
                    }
                }
                return out -> out.writeStrings(result);
            }
            case OpCode.WHO_AM_I: {
                List<Id> ids = ctx.authIds();
                return out -> {
                    out.writeInt(ids.size());
                    for (Id id : ids) {
                        out.writeString(id.scheme()).writeString(userOf(id));
                    }
                };
            }
            case OpCode.MULTI_READ:
                return multiRead((Requests.Multi) body, ctx, watcher);
            default:
                throw new ZkException(Code.UNIMPLEMENTED, "not a read: " + type);
        }
    }

    private JuteRecord multiRead(Requests.Multi multi, PrepareContext ctx, Watcher watcher) {
        List<int[]> headers = new ArrayList<>();
        List<JuteRecord> bodies = new ArrayList<>();
        for (Requests.Op op : multi.ops()) {
            if (op.type() != OpCode.GET_CHILDREN && op.type() != OpCode.GET_DATA) {
                throw new ZkException(Code.BADARGUMENTS, "multiRead takes getData and getChildren only");
            }
            try {
                bodies.add(read(op.type(), op.body(), ctx, watcher));
                headers.add(new int[] {op.type(), Code.OK});
            } catch (ZkException e) {
                int code = e.code();
                bodies.add(out -> out.writeInt(code));
                headers.add(new int[] {OpCode.ERROR, code});
            }
        }
        return out -> {
            for (int i = 0; i < headers.size(); i++) {
                out.writeInt(headers.get(i)[0]).writeBool(false).writeInt(headers.get(i)[1]);
                bodies.get(i).write(out);
            }
            out.writeInt(-1).writeBool(true).writeInt(-1);
        };
    }

    /** The user name whoAmI shows (ZooKeeper's AuthenticationProvider.getUserName): never a digest hash. */
    private static String userOf(Id id) {
        if (id.id() == null) {
            return "";
        }
        if ("digest".equals(id.scheme())) {
            int colon = id.id().indexOf(':');
            return colon < 0 ? id.id() : id.id().substring(0, colon);
        }
        return id.id();
    }

    private DataNode existing(String path) {
        DataNode n = path == null ? null : tree.getNode(path);
        if (n == null) {
            throw new ZkException(Code.NONODE, path);
        }
        return n;
    }

    private static boolean permits(List<Acl> acl, int perm, PrepareContext ctx) {
        return acl == null || acl.isEmpty() || Acls.permits(acl, perm, ctx.authIds());
    }

    private static void checkAcl(List<Acl> acl, int perm, PrepareContext ctx) {
        if (!ctx.isSuper() && !permits(acl, perm, ctx)) {
            throw new ZkException(Code.NOAUTH);
        }
    }
}
