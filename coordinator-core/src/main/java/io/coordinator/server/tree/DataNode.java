package io.coordinator.server.tree;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Stat;
import io.coordinator.server.protocol.Txn;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One znode. The writer thread mutates it only while holding its monitor, and the snapshot thread copies it
 * under the same monitor, so a snapshot never sees half of a change. Reads on the writer thread need no lock
 * (there is only one writer).
 *
 * <p>cversion is stored as ZooKeeper stores it (the number of child creations); {@link #stat()} shows
 * {@code 2 * stored - numChildren}, as DataNode.copyStat does.
 */
public final class DataNode {
    private byte[] data;
    private List<Acl> acl;
    private final long czxid;
    private long mzxid;
    private final long ctime;
    private long mtime;
    private int version;
    private int cversion;
    private int aversion;
    private final long ephemeralOwner;
    private long pzxid;
    /** Child names; null until the first child (most znodes are leaves: no empty set per leaf). */
    private Set<String> children;

    /** acl must be immutable and is kept as given: the tree passes the list its {@link AclCache} shares. */
    DataNode(byte[] data, List<Acl> acl, StatPersisted stat) {
        this.data = data;
        this.acl = acl;
        this.czxid = stat.czxid();
        this.mzxid = stat.mzxid();
        this.ctime = stat.ctime();
        this.mtime = stat.mtime();
        this.version = stat.version();
        this.cversion = stat.cversion();
        this.aversion = stat.aversion();
        this.ephemeralOwner = stat.ephemeralOwner();
        this.pzxid = stat.pzxid();
    }

    /** A node as a create txn makes it: czxid = mzxid = pzxid = zxid, ctime = mtime = time, versions 0. */
    static DataNode created(byte[] data, List<Acl> acl, long zxid, long time, long ephemeralOwner) {
        return new DataNode(data, acl, new StatPersisted(zxid, zxid, time, time, 0, 0, 0, ephemeralOwner, zxid));
    }

    public byte[] data() {
        return data;
    }

    public List<Acl> acl() {
        return acl;
    }

    public long czxid() {
        return czxid;
    }

    public long mzxid() {
        return mzxid;
    }

    public long ctime() {
        return ctime;
    }

    public long mtime() {
        return mtime;
    }

    public int version() {
        return version;
    }

    /** The stored cversion: the number of child creations. */
    public int storedCversion() {
        return cversion;
    }

    public int aversion() {
        return aversion;
    }

    /** As stored: 0, a session id, Txn.CONTAINER_OWNER or Txn.TTL_OWNER_BITS | ttl. */
    public long ephemeralOwner() {
        return ephemeralOwner;
    }

    public int numChildren() {
        Set<String> c = children;
        return c == null ? 0 : c.size();
    }

    public long pzxid() {
        return pzxid;
    }

    public boolean isContainer() {
        return Txn.isContainer(ephemeralOwner);
    }

    public boolean isTtl() {
        return Txn.isTtl(ephemeralOwner);
    }

    /** The owning session for ephemerals, else 0. */
    public long sessionOwner() {
        return Txn.sessionOwner(ephemeralOwner);
    }

    /** The Stat as clients see it. */
    public Stat stat() {
        int n = numChildren();
        return new Stat(
                czxid,
                mzxid,
                ctime,
                mtime,
                version,
                2 * cversion - n,
                aversion,
                Txn.sessionOwner(ephemeralOwner),
                data == null ? 0 : data.length,
                n,
                pzxid);
    }

    /** A copy of the child names. */
    public Set<String> childNames() {
        Set<String> c = children;
        return c == null ? new HashSet<>() : new HashSet<>(c);
    }

    /** The child names, read-only (a live view for the writer thread; the empty set for a leaf). */
    Set<String> children() {
        Set<String> c = children;
        return c == null ? Set.of() : Collections.unmodifiableSet(c);
    }

    // Mutations: callers hold this node's monitor (see class comment).

    void addChild(String name) {
        if (children == null) {
            children = new HashSet<>(4);
        }
        children.add(name);
    }

    void removeChild(String name) {
        if (children != null) {
            children.remove(name);
        }
    }

    void setData(byte[] data, int version, long mzxid, long mtime) {
        this.data = data;
        this.version = version;
        this.mzxid = mzxid;
        this.mtime = mtime;
    }

    /** Replaces the data only (quota stats upkeep: ZooKeeper changes no Stat field then). */
    void replaceData(byte[] data) {
        this.data = data;
    }

    /** acl as in the constructor: immutable, kept as given. */
    void setAcl(List<Acl> acl, int aversion) {
        this.acl = acl;
        this.aversion = aversion;
    }

    void setCversionAndPzxid(int cversion, long pzxid) {
        this.cversion = cversion;
        this.pzxid = pzxid;
    }

    void setPzxid(long pzxid) {
        this.pzxid = pzxid;
    }

    /** The Stat fields as stored (read without the monitor: for the writer thread or a quiescent tree). */
    public StatPersisted persisted() {
        return new StatPersisted(czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner, pzxid);
    }

    /** A consistent copy for the snapshot thread: fields and child names read under the node's monitor. */
    synchronized Snapshot snapshot() {
        return new Snapshot(data, acl, persisted(), children == null ? new String[0] : children.toArray(new String[0]));
    }

    /** The persisted form of a node (children are implied by the paths in the stream). */
    record Snapshot(byte[] data, List<Acl> acl, StatPersisted stat, String[] children) {}
}
