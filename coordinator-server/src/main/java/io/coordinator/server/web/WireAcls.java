package io.coordinator.server.web;

import io.coordinator.server.web.AccessPolicy.Action;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACLs the REST layer writes, derived from the same grants it enforces, so a wire client authenticated as a
 * user ({@code addauth digest <name>:<password>}, for users with a {@code wire-digest}) gets the answer REST gives
 * that user: read grants become READ, publish and rollback (or write, for znodes) WRITE, CREATE and DELETE, role
 * ADMIN everything. The REST identity holds ALL everywhere; {@code anonymous-read} adds READ for everyone.
 */
public final class WireAcls {
    private static final Logger log = LoggerFactory.getLogger(WireAcls.class);
    private static final int CHANGE = Perms.WRITE | Perms.CREATE | Perms.DELETE;

    private record WireUser(Id id, boolean admin, AccessPolicy.Grants grants) {}

    private final WebProperties props;
    private final List<WireUser> users = new ArrayList<>();

    public WireAcls(WebProperties props, AccessPolicy policy) {
        this.props = props;
        props.getUsers().forEach((name, user) -> {
            Id id = user.wireId(name);
            if (id != null) {
                users.add(new WireUser(id, user.effectiveRole() == WebProperties.Role.ADMIN, policy.forUser(name)));
            }
        });
    }

    /** The ACL of a context's znodes (the context node and every property or document below it). */
    public List<ACL> forContext(ConfigStore.Context c, Id rest) {
        Map<Id, Integer> perms = base(rest);
        for (WireUser u : users) {
            int p = 0;
            if (u.grants().mayOnContext(Action.READ, c.application(), c.profile())) {
                p |= Perms.READ;
            }
            if (u.grants().mayOnContext(Action.PUBLISH, c.application(), c.profile())
                    || u.grants().mayOnContext(Action.ROLLBACK, c.application(), c.profile())) {
                p |= CHANGE;
            }
            add(perms, u, p);
        }
        return list(perms);
    }

    /** The ACL of a context's history: readable by the context's readers, written by the REST layer alone. */
    public List<ACL> forHistory(ConfigStore.Context c, Id rest) {
        Map<Id, Integer> perms = base(rest);
        for (WireUser u : users) {
            boolean reads = u.admin() || u.grants().mayOnContext(Action.READ, c.application(), c.profile());
            if (reads) { // READ only, admins too: the history is a record, changed by nobody
                perms.merge(u.id(), Perms.READ, (a, b) -> a | b);
            }
        }
        return list(perms);
    }

    /** The ACL of a znode created through the raw API without one of its own. */
    public List<ACL> forZnode(String path, Id rest) {
        ConfigStore.Context context = Access.contextOf(path, props.getConfigPath());
        if (context != null) {
            return forContext(context, rest);
        }
        context = Access.contextOf(path, props.getHistoryPath());
        if (context != null) {
            return forHistory(context, rest);
        }
        Map<Id, Integer> perms = base(rest);
        for (WireUser u : users) {
            int p = u.grants().mayOnZnode(Action.READ, path) ? Perms.READ : 0;
            add(perms, u, u.grants().mayOnZnode(Action.WRITE, path) ? p | CHANGE : p);
        }
        return list(perms);
    }

    /** The ACL of the roots the REST layer creates ({@code /config}, the history root): everyone may list them. */
    public List<ACL> forRoot(Id rest) {
        Map<Id, Integer> perms = base(rest);
        perms.put(Ids.ANYONE_ID_UNSAFE, Perms.READ);
        for (WireUser u : users) {
            add(perms, u, 0);
        }
        return list(perms);
    }

    /**
     * Brings every context the REST layer manages (those with a history) to the ACLs of the current grants: a
     * context published before grants existed, or open to everyone as the REST layer once wrote them, or after
     * a user's grants changed. Nodes it may not change (a wire client took ADMIN away) are logged and left.
     */
    public void reconcile(ZooKeeper z, Id rest) throws KeeperException, InterruptedException {
        List<String> contexts;
        try {
            contexts = z.getChildren(props.getHistoryPath(), false);
        } catch (KeeperException.NoNodeException none) {
            return;
        }
        int changed = 0;
        for (String name : contexts) {
            ConfigStore.Context c;
            try {
                c = ConfigStore.Context.parse(name);
            } catch (ApiException notAContext) {
                continue;
            }
            changed += reconcileContext(z, c, rest);
        }
        if (changed > 0) {
            log.info(
                    "Set the ACLs of {} znodes of {} configuration contexts to what the users' grants allow",
                    changed,
                    contexts.size());
        }
    }

    /** As {@link #reconcile} for one context; returns how many znodes changed. */
    public int reconcileContext(ZooKeeper z, ConfigStore.Context c, Id rest)
            throws KeeperException, InterruptedException {
        return apply(z, props.getConfigPath() + "/" + c.name(), forContext(c, rest))
                + apply(z, props.getHistoryPath() + "/" + c.name(), forHistory(c, rest));
    }

    private static int apply(ZooKeeper z, String path, List<ACL> wanted) throws KeeperException, InterruptedException {
        int changed = 0;
        try {
            Stat stat = new Stat();
            List<ACL> current = z.getACL(path, stat);
            if (!new HashSet<>(current).equals(new HashSet<>(wanted))) {
                z.setACL(path, wanted, stat.getAversion());
                changed++;
            }
            for (String child : z.getChildren(path, false)) {
                changed += apply(z, path + "/" + child, wanted);
            }
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException raced) {
            // deleted or changed meanwhile: the next publish or start sets it
        } catch (KeeperException.NoAuthException e) {
            log.warn("Cannot set the ACL of {}: the REST identity lacks ADMIN permission there", path);
        }
        return changed;
    }

    private Map<Id, Integer> base(Id rest) {
        Map<Id, Integer> perms = new LinkedHashMap<>();
        perms.put(rest, Perms.ALL);
        if (props.isAnonymousRead()) {
            perms.put(Ids.ANYONE_ID_UNSAFE, Perms.READ);
        }
        return perms;
    }

    private static void add(Map<Id, Integer> perms, WireUser u, int p) {
        int granted = u.admin() ? Perms.ALL : p;
        if (granted != 0) {
            perms.merge(u.id(), granted, (a, b) -> a | b);
        }
    }

    // a mutable list: the ZooKeeper client asks it whether it contains null, which List.of refuses
    private static List<ACL> list(Map<Id, Integer> perms) {
        List<ACL> acl = new ArrayList<>();
        perms.forEach((id, p) -> acl.add(new ACL(p, id)));
        return acl;
    }
}
