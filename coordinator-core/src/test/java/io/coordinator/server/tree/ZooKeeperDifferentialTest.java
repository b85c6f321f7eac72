package io.coordinator.server.tree;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Stat;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.ZkException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.jute.Record;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.WatcherType;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.server.ServerWatcher;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.SetACLTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the same random txns, reads and watch calls against our DataTree and Apache ZooKeeper 3.9.5's own
 * DataTree (from the test classpath) and requires identical Stats, data, children, ACLs, counters and watch
 * events after every step.
 */
class ZooKeeperDifferentialTest {
    private static final String EXTENDED_TYPES = "zookeeper.extendedTypesEnabled";
    private static final int WATCHERS = 3;
    private static final long[] SESSIONS = {0x101, 0x102, 0x103};

    private final DataTree ours = new DataTree();
    private final org.apache.zookeeper.server.DataTree theirs = new org.apache.zookeeper.server.DataTree();
    private final List<RecordingWatcher> ourWatchers = new ArrayList<>();
    private final List<ZkRecorder> theirWatchers = new ArrayList<>();
    private final Set<String> quotaed = new HashSet<>();
    private long zxid;
    private long time = 1_000_000;
    private Random random;
    private int multis;
    private int events;

    @BeforeAll
    static void enableTtl() {
        System.setProperty(EXTENDED_TYPES, "true");
    }

    @AfterAll
    static void restore() {
        System.clearProperty(EXTENDED_TYPES);
    }

    /** ZooKeeper's side of a watcher pair, recording events in the same text form as ours. */
    static final class ZkRecorder implements ServerWatcher {
        final List<String> events = new ArrayList<>();

        @Override
        public void process(WatchedEvent event) {
            events.add(event.getType().getIntValue() + ":" + event.getPath() + ":" + event.getZxid() + ":null");
        }

        @Override
        public void process(WatchedEvent event, List<ACL> acl) {
            events.add(event.getType().getIntValue() + ":" + event.getPath() + ":" + event.getZxid() + ":"
                    + theirAclText(acl));
        }
    }

    static String ourAclText(List<Acl> acl) {
        if (acl == null) {
            return "null";
        }
        List<String> out = new ArrayList<>();
        acl.forEach(a -> out.add(a.perms() + "," + a.id().scheme() + "," + a.id().id()));
        return out.toString();
    }

    static String theirAclText(List<ACL> acl) {
        if (acl == null) {
            return "null";
        }
        List<String> out = new ArrayList<>();
        acl.forEach(a -> out.add(
                a.getPerms() + "," + a.getId().getScheme() + "," + a.getId().getId()));
        return out.toString();
    }

    static List<String> ourEvents(RecordingWatcher w) {
        List<String> out = new ArrayList<>();
        w.events.forEach(e -> out.add(e.type() + ":" + e.path() + ":" + e.zxid() + ":" + ourAclText(e.acl())));
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void behavesLikeZooKeeper(long seed) throws Exception {
        random = new Random(seed);
        for (int i = 0; i < WATCHERS; i++) {
            ourWatchers.add(new RecordingWatcher("w" + i));
            theirWatchers.add(new ZkRecorder());
        }
        for (int step = 0; step < 1500; step++) {
            int what = random.nextInt(20);
            if (what < 9) {
                randomTxn();
            } else if (what < 15) {
                randomRead();
            } else if (what < 17) {
                randomWatchChange();
            } else if (what == 17) {
                randomSetWatches();
            } else if (what == 18) {
                if (random.nextBoolean()) {
                    setQuota();
                } else {
                    randomMulti();
                }
            } else {
                closeSession(SESSIONS[random.nextInt(SESSIONS.length)]);
            }
            compareEvents(step);
            compareTrees(step);
        }
        // The run really covered multis and watch events.
        assertThat(multis).isGreaterThan(5);
        assertThat(events).isGreaterThan(50);
    }

    private String randomPath() {
        StringBuilder sb = new StringBuilder();
        int depth = 1 + random.nextInt(3);
        for (int i = 0; i < depth; i++) {
            sb.append('/').append((char) ('a' + random.nextInt(3)));
        }
        return sb.toString();
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private void randomTxn() {
        String path = randomPath();
        DataNode node = ours.getNode(path);
        DataNode parent = ours.getNode(Paths.parent(path));
        if (node == null) {
            if (parent == null || parent.sessionOwner() != 0) {
                return;
            }
            byte[] data = random.nextInt(4) == 0 ? null : bytes("d" + random.nextInt(100));
            List<Acl> acl = random.nextInt(4) == 0
                    ? List.of(new Acl(1 + random.nextInt(31), new Id("digest", "u:h")))
                    : Acl.OPEN_ACL_UNSAFE;
            int parentCversion = parent.storedCversion() + 1;
            int kind = random.nextInt(5);
            long session = SESSIONS[random.nextInt(SESSIONS.length)];
            switch (kind) {
                case 0 ->
                    both(
                            session,
                            OpCode.CREATE,
                            new Txn.Create(path, data, acl, session, parentCversion),
                            new CreateTxn(path, data, theirAcl(acl), true, parentCversion));
                case 1 ->
                    both(
                            session,
                            OpCode.CREATE_CONTAINER,
                            new Txn.Create(path, data, acl, Txn.CONTAINER_OWNER, parentCversion),
                            new CreateContainerTxn(path, data, theirAcl(acl), parentCversion));
                case 2 ->
                    both(
                            session,
                            OpCode.CREATE_TTL,
                            new Txn.Create(path, data, acl, Txn.TTL_OWNER_BITS | 5000, parentCversion),
                            new CreateTTLTxn(path, data, theirAcl(acl), parentCversion, 5000));
                default ->
                    both(
                            session,
                            OpCode.CREATE,
                            new Txn.Create(path, data, acl, 0, parentCversion),
                            new CreateTxn(path, data, theirAcl(acl), false, parentCversion));
            }
        } else {
            int kind = random.nextInt(4);
            if (kind == 0 && node.numChildren() == 0) {
                both(1, OpCode.DELETE, new Txn.Delete(path), new DeleteTxn(path));
            } else if (kind <= 2) {
                byte[] data = random.nextInt(5) == 0 ? null : bytes("v" + random.nextInt(100000));
                both(
                        1,
                        OpCode.SET_DATA,
                        new Txn.SetData(path, data, node.version() + 1),
                        new SetDataTxn(path, data, node.version() + 1));
            } else {
                List<Acl> acl = List.of(new Acl(random.nextInt(32), Id.ANYONE));
                both(
                        1,
                        OpCode.SET_ACL,
                        new Txn.SetAcl(path, acl, node.aversion() + 1),
                        new SetACLTxn(path, theirAcl(acl), node.aversion() + 1));
            }
        }
    }

    /** What zkCli setquota does, on a top-level node that has none yet. */
    private void setQuota() {
        String path = "/" + (char) ('a' + random.nextInt(3));
        if (ours.getNode(path) == null || !quotaed.add(path)) {
            return;
        }
        String q = "/zookeeper/quota" + path;
        createPlain(q, null);
        createPlain(q + "/zookeeper_limits", bytes("count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=50"));
        createPlain(q + "/zookeeper_stats", bytes("count=0,bytes=0"));
    }

    private void createPlain(String path, byte[] data) {
        int parentCversion = ours.getNode(Paths.parent(path)).storedCversion() + 1;
        both(
                1,
                OpCode.CREATE,
                new Txn.Create(path, data, Acl.OPEN_ACL_UNSAFE, 0, parentCversion),
                new CreateTxn(path, data, theirAcl(Acl.OPEN_ACL_UNSAFE), false, parentCversion));
    }

    /** A multi on an existing persistent node: two child creates, a setData, maybe a delete; or a failed one. */
    private void randomMulti() throws Exception {
        String parent = random.nextInt(5) == 0 ? "/" : randomPath();
        DataNode p = ours.getNode(parent);
        if (p == null || p.sessionOwner() != 0) {
            return;
        }
        if (random.nextInt(4) == 0) {
            List<Txn> ourOps = List.of(new Txn.Error(0), new Txn.Error(-110), new Txn.Error(-2));
            List<org.apache.zookeeper.txn.Txn> theirOps = new ArrayList<>();
            for (int err : new int[] {0, -110, -2}) {
                theirOps.add(new org.apache.zookeeper.txn.Txn(
                        OpCode.ERROR, serialize(new org.apache.zookeeper.txn.ErrorTxn(err))));
            }
            both(1, OpCode.MULTI, new Txn.Multi(ourOps), new org.apache.zookeeper.txn.MultiTxn(theirOps));
            return;
        }
        List<Txn> ourOps = new ArrayList<>();
        List<org.apache.zookeeper.txn.Txn> theirOps = new ArrayList<>();
        int cversion = p.storedCversion();
        for (String name : List.of("m" + random.nextInt(3), "n" + random.nextInt(3))) {
            String child = Paths.child(parent, name);
            if (ours.getNode(child) == null && !ourOps.toString().contains(child + ",")) {
                cversion++;
                byte[] data = bytes("multi");
                ourOps.add(new Txn.Create(child, data, Acl.OPEN_ACL_UNSAFE, 0, cversion));
                theirOps.add(new org.apache.zookeeper.txn.Txn(
                        OpCode.CREATE,
                        serialize(new CreateTxn(child, data, theirAcl(Acl.OPEN_ACL_UNSAFE), false, cversion))));
            }
        }
        byte[] data = bytes("set-by-multi" + random.nextInt(10));
        ourOps.add(new Txn.SetData(parent, data, p.version() + 1));
        theirOps.add(new org.apache.zookeeper.txn.Txn(
                OpCode.SET_DATA, serialize(new SetDataTxn(parent, data, p.version() + 1))));
        for (String child : new TreeSet<>(p.childNames())) {
            String path = Paths.child(parent, child);
            DataNode c = ours.getNode(path);
            if (c.numChildren() == 0 && !path.startsWith("/zookeeper") && random.nextBoolean()) {
                ourOps.add(new Txn.Delete(path));
                theirOps.add(new org.apache.zookeeper.txn.Txn(OpCode.DELETE, serialize(new DeleteTxn(path))));
                break;
            }
        }
        both(1, OpCode.MULTI, new Txn.Multi(ourOps), new org.apache.zookeeper.txn.MultiTxn(theirOps));
    }

    private static byte[] serialize(Record record) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        record.serialize(org.apache.jute.BinaryOutputArchive.getArchive(out), "txn");
        return out.toByteArray();
    }

    private void closeSession(long session) {
        both(session, OpCode.CLOSE_SESSION, new Txn.CloseSession(session), null);
    }

    private void both(long clientId, int type, Txn ourTxn, Record theirTxn) {
        zxid++;
        time += 7;
        ApplyResult r = ours.apply(new TxnHeader(clientId, 1, zxid, time, type), ourTxn);
        var rc = theirs.processTxn(new org.apache.zookeeper.txn.TxnHeader(clientId, 1, zxid, time, type), theirTxn);
        assertThat(r.err()).as("err of %s", ourTxn).isEqualTo(rc.err);
        if (type == OpCode.MULTI) {
            multis++;
        }
        if (rc.multiResult != null) {
            assertThat(r.multi())
                    .extracting(ApplyResult::err)
                    .isEqualTo(rc.multiResult.stream().map(m -> m.err).toList());
        }
        if (rc.stat != null) {
            assertThat(r.stat()).as("stat of %s", ourTxn).isEqualTo(ourStat(rc.stat));
        }
    }

    private static List<ACL> theirAcl(List<Acl> acl) {
        List<ACL> out = new ArrayList<>();
        acl.forEach(a -> out.add(new ACL(a.perms(), new org.apache.zookeeper.data.Id(a.id().scheme(), a.id().id()))));
        return out;
    }

    private static Stat ourStat(org.apache.zookeeper.data.Stat s) {
        return new Stat(
                s.getCzxid(),
                s.getMzxid(),
                s.getCtime(),
                s.getMtime(),
                s.getVersion(),
                s.getCversion(),
                s.getAversion(),
                s.getEphemeralOwner(),
                s.getDataLength(),
                s.getNumChildren(),
                s.getPzxid());
    }

    private void randomRead() throws Exception {
        String path = random.nextInt(10) == 0 ? "/" : randomPath();
        int w = random.nextInt(WATCHERS + 1);
        RecordingWatcher ourW = w < WATCHERS ? ourWatchers.get(w) : null;
        ZkRecorder theirW = w < WATCHERS ? theirWatchers.get(w) : null;
        int kind = random.nextInt(3);
        Object ourResult;
        Object theirResult;
        try {
            ourResult = switch (kind) {
                case 0 -> ours.exists(path, ourW);
                case 1 -> ours.getData(path, ourW).stat();
                default -> new TreeSet<>(ours.getChildren(path, ourW).children());
            };
        } catch (ZkException e) {
            ourResult = "error " + e.code();
        }
        try {
            org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
            theirResult = switch (kind) {
                case 0 -> ourStat(theirs.statNode(path, theirW));
                case 1 -> {
                    theirs.getData(path, stat, theirW);
                    yield ourStat(stat);
                }
                default -> new TreeSet<>(theirs.getChildren(path, stat, theirW));
            };
        } catch (KeeperException e) {
            theirResult = "error " + e.code().intValue();
        }
        assertThat(ourResult).as("read %d of %s", kind, path).isEqualTo(theirResult);
    }

    private void randomWatchChange() {
        String path = randomPath();
        int w = random.nextInt(WATCHERS);
        int kind = random.nextInt(6);
        if (kind == 0) {
            boolean recursive = random.nextBoolean();
            ours.addWatch(path, ourWatchers.get(w), recursive);
            theirs.addWatch(path, theirWatchers.get(w), recursive ? 1 : 0);
        } else {
            int type = 1 + random.nextInt(5);
            boolean checkOnly = random.nextBoolean();
            boolean ourAnswer = ours.removeWatches(path, type, ourWatchers.get(w), checkOnly);
            WatcherType wt = WatcherType.fromInt(type);
            boolean theirAnswer = checkOnly
                    ? theirs.containsWatcher(path, wt, theirWatchers.get(w))
                    : theirs.removeWatch(path, wt, theirWatchers.get(w));
            assertThat(ourAnswer)
                    .as("removeWatches %s type %d check %s", path, type, checkOnly)
                    .isEqualTo(theirAnswer);
        }
    }

    private void randomSetWatches() {
        int w = random.nextInt(WATCHERS);
        long relative = zxid - random.nextInt(20);
        List<List<String>> lists = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            List<String> l = new ArrayList<>();
            for (int n = random.nextInt(3); n > 0; n--) {
                l.add(randomPath());
            }
            lists.add(l);
        }
        ours.setWatches(
                relative, lists.get(0), lists.get(1), lists.get(2), lists.get(3), lists.get(4), ourWatchers.get(w));
        theirs.setWatches(
                relative, lists.get(0), lists.get(1), lists.get(2), lists.get(3), lists.get(4), theirWatchers.get(w));
    }

    /** Events per watcher must match; within one step ZooKeeper's order is a HashSet's, so compare sorted. */
    private void compareEvents(int step) {
        for (int i = 0; i < WATCHERS; i++) {
            List<String> ourE = new ArrayList<>(ourEvents(ourWatchers.get(i)));
            List<String> theirE = new ArrayList<>(theirWatchers.get(i).events);
            ourE.sort(null);
            theirE.sort(null);
            assertThat(ourE).as("events of watcher %d at step %d", i, step).isEqualTo(theirE);
            events += ourE.size();
            ourWatchers.get(i).clear();
            theirWatchers.get(i).events.clear();
        }
        assertThat(ours.watchCount()).as("watch count at step %d", step).isEqualTo(theirs.getWatchCount());
    }

    private void compareTrees(int step) throws Exception {
        Map<String, String> ourNodes = new TreeMap<>();
        Map<String, String> theirNodes = new TreeMap<>();
        for (String path : ours.nodes().keySet()) {
            ourNodes.put(path, describeOurs(path));
            theirNodes.put(path, describeTheirs(path));
        }
        assertThat(ourNodes).as("nodes at step %d", step).isEqualTo(theirNodes);
        assertThat(ours.nodeCount()).isEqualTo(theirs.getNodeCount());
        assertThat(ours.approximateDataSize()).isEqualTo(theirs.approximateDataSize());
        assertThat(ours.ephemeralCount()).isEqualTo(theirs.getEphemeralsCount());
        for (String p : List.of("/", "/a", "/b/a", "/zookeeper")) {
            assertThat(ours.allChildrenNumber(p))
                    .as("allChildrenNumber %s", p)
                    .isEqualTo(theirs.getAllChildrenNumber(p));
        }
        Map<Long, Set<String>> theirEphemerals = new TreeMap<>();
        theirs.getEphemerals().forEach((k, v) -> {
            if (!v.isEmpty()) {
                theirEphemerals.put(k, new TreeSet<>(v));
            }
        });
        Map<Long, Set<String>> ourEphemerals = new TreeMap<>();
        ours.ephemeralsBySession().forEach((k, v) -> ourEphemerals.put(k, new TreeSet<>(v)));
        assertThat(ourEphemerals).isEqualTo(theirEphemerals);
        for (String prefix : quotaed) {
            // ZooKeeper's quota check agrees on whether one more node fits.
            boolean ourOk = quotaAllows(prefix + "/x");
            long count = new org.apache.zookeeper.StatsTrack(theirs.getData(
                            "/zookeeper/quota" + prefix + "/zookeeper_stats",
                            new org.apache.zookeeper.data.Stat(),
                            null))
                    .getCount();
            assertThat(ourOk).isEqualTo(count + 1 <= 50);
        }
    }

    private boolean quotaAllows(String path) {
        try {
            ours.checkQuota(path, 0, 1);
            return true;
        } catch (ZkException e) {
            return false;
        }
    }

    private String describeOurs(String path) {
        var d = ours.getData(path, null);
        return d.stat() + " data=" + text(d.data()) + " children="
                + new TreeSet<>(ours.getChildren(path, null).children()) + " acl="
                + ourAclText(ours.getAcl(path).acl());
    }

    private String describeTheirs(String path) throws Exception {
        org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
        byte[] data = theirs.getData(path, stat, null);
        return ourStat(stat) + " data=" + text(data) + " children="
                + new TreeSet<>(theirs.getChildren(path, null, null)) + " acl="
                + theirAclText(theirs.getACL(path, null));
    }

    private static String text(byte[] data) {
        return data == null ? "null" : new String(data, StandardCharsets.UTF_8);
    }
}
