package io.coordinator.server.tree;

import io.coordinator.server.protocol.Acl;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interns the ACL lists of a tree's nodes, reference-counted, as ZooKeeper's ReferenceCountedACLCache does:
 * every node with an equal ACL shares one immutable list (a tree of 1M znodes under world:anyone holds one
 * list, not a million copies of the list, its entries, ids and strings). A list leaves the cache when the
 * last node holding it is deleted or changes its ACL, so distinct ACLs that come and go do not accumulate.
 *
 * <p>Touched by the tree's writer only (create, setAcl, delete, snapshot load); the lists it hands out are
 * immutable, so the snapshot thread may read them through the nodes.
 */
final class AclCache {
    private static final class Entry {
        final List<Acl> list;
        int refs;

        Entry(List<Acl> list) {
            this.list = list;
        }
    }

    private final Map<List<Acl>, Entry> byValue = new HashMap<>();

    /**
     * The shared immutable list equal to acl (null counts as empty; null entries are kept, never matched),
     * counted as one more reference. Each call must be paired with one {@link #release} of the result.
     */
    List<Acl> acquire(List<Acl> acl) {
        List<Acl> key = acl == null ? List.of() : acl;
        Entry e = byValue.get(key);
        if (e == null) {
            List<Acl> copy = key.isEmpty() ? List.of() : Collections.unmodifiableList(new ArrayList<>(key));
            e = new Entry(copy);
            byValue.put(copy, e);
        }
        e.refs++;
        return e.list;
    }

    /** Drops one reference taken by {@link #acquire}; the list leaves the cache with its last reference. */
    void release(List<Acl> acl) {
        Entry e = byValue.get(acl);
        if (e == null || e.list != acl) {
            throw new IllegalStateException("ACL list not from this cache: " + acl);
        }
        if (--e.refs == 0) {
            byValue.remove(acl);
        }
    }

    /** Distinct ACL lists in use. */
    int size() {
        return byValue.size();
    }

    /** References to the list equal to acl (0 when none), for tests. */
    int refs(List<Acl> acl) {
        Entry e = byValue.get(acl == null ? List.of() : acl);
        return e == null ? 0 : e.refs;
    }
}
