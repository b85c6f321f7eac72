package io.coordinator.server.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CheckWatchesRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetAllChildrenNumberRequest;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetEphemeralsRequest;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.proto.RemoveWatchesRequest;
import org.apache.zookeeper.proto.SetACLRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.SetWatches2;
import org.apache.zookeeper.proto.SyncRequest;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * The scripted sequence for the golden comparison: every client opcode, with successes and failures, over
 * raw sockets so that no client-side validation interferes. The same script runs against ZooKeeper and
 * against Coordinator; the canonical transcripts must be equal.
 */
final class GoldenScript {
    static final int CREATE = 1,
            DELETE = 2,
            EXISTS = 3,
            GET_DATA = 4,
            SET_DATA = 5,
            GET_ACL = 6,
            SET_ACL = 7,
            GET_CHILDREN = 8,
            SYNC = 9,
            GET_CHILDREN2 = 12,
            CHECK = 13,
            MULTI = 14,
            CREATE2 = 15,
            RECONFIG = 16,
            CHECK_WATCHES = 17,
            REMOVE_WATCHES = 18,
            CREATE_CONTAINER = 19,
            CREATE_TTL = 21,
            MULTI_READ = 22,
            AUTH = 100,
            SET_WATCHES = 101,
            GET_EPHEMERALS = 103,
            GET_ALL_CHILDREN_NUMBER = 104,
            SET_WATCHES2 = 105,
            ADD_WATCH = 106,
            WHO_AM_I = 107,
            CLOSE = -11;

    static final List<ACL> OPEN = Ids.OPEN_ACL_UNSAFE;
    static final long HOUR = 3_600_000L;

    private final int port;
    final Transcript t = new Transcript();

    GoldenScript(int port) {
        this.port = port;
    }

    static String escape(String p) {
        StringBuilder sb = new StringBuilder();
        for (char ch : p.toCharArray()) {
            sb.append(ch < 0x20 || ch >= 0x7f ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
        }
        return sb.toString();
    }

    static byte[] b(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String digest(String userPass) {
        try {
            return DigestAuthenticationProvider.generateDigest(userPass);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<ACL> acl(Object... permsAndIds) {
        List<ACL> l = new ArrayList<>();
        for (int i = 0; i < permsAndIds.length; i += 3) {
            l.add(new ACL((Integer) permsAndIds[i], new Id((String) permsAndIds[i + 1], (String) permsAndIds[i + 2])));
        }
        return l;
    }

    RawClient session(String name, int timeout) throws IOException {
        RawClient c = RawClient.open(port);
        ConnectResponse r = c.connect(0, timeout, 0, new byte[16], true);
        t.add(name + " " + t.connect(r, c.lastConnectFrame));
        return c;
    }

    /** Clients that timed out once: later steps on them are not waited for (keeps a failing run short). */
    private final java.util.Set<RawClient> dead =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    void op(String label, RawClient c, int type, Record r) throws IOException {
        opBytes(label, c, type, r == null ? new byte[0] : RawClient.serialize(r));
    }

    void opBytes(String label, RawClient c, int type, byte[] body) throws IOException {
        if (dead.contains(c)) {
            t.steps++;
            t.add(label + " => SKIPPED (connection timed out earlier)");
            return;
        }
        try {
            t.reply(label, type, c.callBytes(type, body));
        } catch (java.net.SocketTimeoutException e) {
            dead.add(c);
            t.steps++;
            t.add(label + " => TIMEOUT (no reply in " + RawClient.READ_TIMEOUT_MS + " ms)");
        } catch (IOException e) {
            t.steps++;
            t.add(label + " => IO-ERROR " + e.getClass().getSimpleName());
        }
    }

    void drain(String label, RawClient c) throws IOException {
        t.reply(label + " ping", 11, c.ping());
    }

    static CreateRequest cr(String path, String data, int flags) {
        return new CreateRequest(path, b(data), OPEN, flags);
    }

    /** Multi body builder: MultiHeader(type, false, -1) + op record, ..., terminator. */
    static final class M {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        M op(int type, Record r) throws IOException {
            out.write(RawClient.serialize(new MultiHeader(type, false, -1)));
            out.write(RawClient.serialize(r));
            return this;
        }

        byte[] bytes() throws IOException {
            out.write(RawClient.serialize(new MultiHeader(-1, true, -1)));
            return out.toByteArray();
        }
    }

    /** Runs the whole script; if it aborts, the transcript so far ends with the reason (so a diff shows where). */
    List<String> run() {
        try {
            runRaw();
        } catch (Exception e) {
            t.add("raw script aborted: " + e);
        }
        try {
            new GoldenClientScript(t, port).run();
        } catch (Exception e) {
            t.add("official client script aborted: " + e);
        }
        t.add("steps=" + t.steps);
        return t.lines;
    }

    private void runRaw() throws IOException {
        RawClient a = session("A", 30_000);
        RawClient bc = session("B", 30_000);
        RawClient w = session("W", 30_000);

        // --- system nodes
        for (String p : new String[] {"/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"}) {
            op("A exists " + p, a, EXISTS, new ExistsRequest(p, false));
            op("A getData " + p, a, GET_DATA, new GetDataRequest(p, false));
            op("A getChildren2 " + p, a, GET_CHILDREN2, new GetChildren2Request(p, false));
            op("A getACL " + p, a, GET_ACL, new GetACLRequest(p));
        }
        op("A getChildren /", a, GET_CHILDREN, new GetChildrenRequest("/", false));
        op("A getAllChildrenNumber /", a, GET_ALL_CHILDREN_NUMBER, new GetAllChildrenNumberRequest("/"));
        op(
                "A getAllChildrenNumber /zookeeper",
                a,
                GET_ALL_CHILDREN_NUMBER,
                new GetAllChildrenNumberRequest("/zookeeper"));
        op("A setData /zookeeper/config", a, SET_DATA, new SetDataRequest("/zookeeper/config", b("x"), -1));
        for (String p : new String[] {"/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"}) {
            op("A delete " + p, a, DELETE, new DeleteRequest(p, -1));
        }
        op("A setData /zookeeper/quota", a, SET_DATA, new SetDataRequest("/zookeeper/quota", b("q"), -1));
        op("A setData /zookeeper", a, SET_DATA, new SetDataRequest("/zookeeper", b(""), 0));
        op("A create /zookeeper/config/x", a, CREATE, cr("/zookeeper/config/x", "", 0));
        op("A create /zookeeper/mine", a, CREATE, cr("/zookeeper/mine", "m", 0));
        op("A delete /zookeeper/mine", a, DELETE, new DeleteRequest("/zookeeper/mine", 0));
        op("A create /", a, CREATE, cr("/", "", 0));

        // --- every create mode
        op("A create /g", a, CREATE, cr("/g", "root", 0));
        op("A create2 /g/p", a, CREATE2, cr("/g/p", "p", 0));
        op("A create2 /g/e ephemeral", a, CREATE2, cr("/g/e", "e", 1));
        op("A create2 /g/ps- persistent-seq", a, CREATE2, cr("/g/ps-", "ps", 2));
        op("A create /g/es- ephemeral-seq", a, CREATE, cr("/g/es-", "es", 3));
        op("A createContainer /g/c", a, CREATE_CONTAINER, cr("/g/c", "c", 4));
        op("A createTTL /g/t", a, CREATE_TTL, new CreateTTLRequest("/g/t", b("t"), OPEN, 5, HOUR));
        op("A createTTL /g/ts- seq", a, CREATE_TTL, new CreateTTLRequest("/g/ts-", b("ts"), OPEN, 6, HOUR));
        op("A createTTL ttl=0", a, CREATE_TTL, new CreateTTLRequest("/g/t0", b("t"), OPEN, 5, 0));
        op("A createTTL ttl=-5", a, CREATE_TTL, new CreateTTLRequest("/g/t1", b("t"), OPEN, 5, -5));
        op("A createTTL ttl=2^40", a, CREATE_TTL, new CreateTTLRequest("/g/t2", b("t"), OPEN, 5, 1L << 40));
        op("A createTTL flags=0", a, CREATE_TTL, new CreateTTLRequest("/g/t3", b("t"), OPEN, 0, HOUR));
        op("A createTTL flags=4", a, CREATE_TTL, new CreateTTLRequest("/g/t4", b("t"), OPEN, 4, HOUR));
        op("A create flags=4 via create", a, CREATE, cr("/g/c1", "c1", 4));
        op("A create2 flags=5 via create2", a, CREATE2, cr("/g/t5", "t5", 5));
        op("A createContainer flags=0", a, CREATE_CONTAINER, cr("/g/c2", "c2", 0));
        op("A create flags=7", a, CREATE, cr("/g/f7", "", 7));
        op("A create flags=-1", a, CREATE, cr("/g/fm", "", -1));
        op("A create2 flags=100", a, CREATE2, cr("/g/f100", "", 100));
        op("A getChildren2 /g", a, GET_CHILDREN2, new GetChildren2Request("/g", false));
        op("A exists /g/c", a, EXISTS, new ExistsRequest("/g/c", false));
        op("A exists /g/c1", a, EXISTS, new ExistsRequest("/g/c1", false));
        op("A getData /g/t", a, GET_DATA, new GetDataRequest("/g/t", false));
        op("A getData /g/e", a, GET_DATA, new GetDataRequest("/g/e", false));

        // --- create failures and invalid paths (raw: no client-side validation)
        op("A create /g exists", a, CREATE, cr("/g", "", 0));
        op("A create missing parent", a, CREATE, cr("/nope/x", "", 0));
        op("A create under ephemeral", a, CREATE, cr("/g/e/x", "", 0));
        op("A create seq under ephemeral", a, CREATE, cr("/g/e/x", "", 2));
        op("A create empty acl", a, CREATE, new CreateRequest("/g/a0", b(""), new ArrayList<>(), 0));
        op("A create null acl", a, CREATE, new CreateRequest("/g/a1", b(""), null, 0));
        op("A create acl scheme foo", a, CREATE, new CreateRequest("/g/a2", b(""), acl(31, "foo", "bar"), 0));
        op("A create acl auth no auth", a, CREATE, new CreateRequest("/g/a3", b(""), acl(31, "auth", ""), 0));
        op("A create acl ip bad", a, CREATE, new CreateRequest("/g/a4", b(""), acl(31, "ip", "notanip"), 0));
        op(
                "A create acl digest no colon",
                a,
                CREATE,
                new CreateRequest("/g/a5", b(""), acl(31, "digest", "nocolon"), 0));
        op("A create acl world bad id", a, CREATE, new CreateRequest("/g/a6", b(""), acl(31, "world", "x"), 0));
        op("A create acl perms 0", a, CREATE, new CreateRequest("/g/a7", b(""), acl(0, "world", "anyone"), 0));
        op(
                "A create acl duplicates",
                a,
                CREATE2,
                new CreateRequest("/g/a8", b(""), acl(31, "world", "anyone", 31, "world", "anyone"), 0));
        op("A getACL /g/a8", a, GET_ACL, new GetACLRequest("/g/a8"));
        op("A create acl ip ok", a, CREATE2, new CreateRequest("/g/a9", b(""), acl(31, "ip", "127.0.0.1"), 0));
        op("A getACL /g/a9", a, GET_ACL, new GetACLRequest("/g/a9"));
        String[] bad = {
            "",
            "noslash",
            "/g/",
            "/g//x",
            "/g/.",
            "/g/..",
            "/g/./x",
            "/g/x\u0001",
            "/g/x\u0000y",
            "/g/\uE000",
            "/g/\u007f",
            "//",
            "/g/x/"
        };
        for (String p : bad) {
            op("A create bad path '" + escape(p) + "'", a, CREATE, cr(p, "", 0));
        }
        op("A create seq on '/g/q/' (parent /g/q missing)", a, CREATE, cr("/g/q/", "", 2));
        op("A create seq on '/g/p/'", a, CREATE, cr("/g/p/", "", 2));
        op("A getData bad path noslash", a, GET_DATA, new GetDataRequest("noslash", false));
        op("A exists bad path /g//x", a, EXISTS, new ExistsRequest("/g//x", false));
        op("A getChildren bad path ''", a, GET_CHILDREN, new GetChildrenRequest("", false));

        // --- sequential suffixes after deletes
        op("A create /g/q", a, CREATE, cr("/g/q", "", 0));
        op("A create /g/q/a", a, CREATE, cr("/g/q/a", "", 0));
        op("A delete /g/q/a", a, DELETE, new DeleteRequest("/g/q/a", -1));
        op("A getChildren2 /g/q", a, GET_CHILDREN2, new GetChildren2Request("/g/q", false));
        op("A create /g/q/s seq", a, CREATE2, cr("/g/q/s", "", 2));
        op("A create /g/q/s seq again", a, CREATE2, cr("/g/q/s", "", 2));
        op("A create /g/q/ (empty seq name)", a, CREATE2, cr("/g/q/", "", 2));
        op("A delete /g/q/s0000000001", a, DELETE, new DeleteRequest("/g/q/s0000000001", 0));
        op("A create /g/q/e seq ephemeral", a, CREATE2, cr("/g/q/e", "", 3));
        op("A getChildren2 /g/q", a, GET_CHILDREN2, new GetChildren2Request("/g/q", false));

        // --- data, versions, null vs empty
        op("A getData /g", a, GET_DATA, new GetDataRequest("/g", false));
        op("A setData /g v0", a, SET_DATA, new SetDataRequest("/g", b("v1"), 0));
        op("A setData /g v0 again", a, SET_DATA, new SetDataRequest("/g", b("v2"), 0));
        op("A setData /g any", a, SET_DATA, new SetDataRequest("/g", b("v3"), -1));
        op("A setData /g null", a, SET_DATA, new SetDataRequest("/g", null, 2));
        op("A getData /g", a, GET_DATA, new GetDataRequest("/g", false));
        op("A setData /g empty", a, SET_DATA, new SetDataRequest("/g", b(""), -1));
        op("A getData /g", a, GET_DATA, new GetDataRequest("/g", false));
        op("A setData missing", a, SET_DATA, new SetDataRequest("/g/missing", b("x"), -1));
        op("A setData missing v7", a, SET_DATA, new SetDataRequest("/g/missing", b("x"), 7));
        op("A setData version -2", a, SET_DATA, new SetDataRequest("/g", b("x"), -2));
        op("A create /g/nul null data", a, CREATE2, cr("/g/nul", null, 0));
        op("A getData /g/nul", a, GET_DATA, new GetDataRequest("/g/nul", false));
        op("A create /g/emp empty data", a, CREATE2, cr("/g/emp", "", 0));
        op("A getData /g/emp", a, GET_DATA, new GetDataRequest("/g/emp", false));
        op("A exists /g/missing", a, EXISTS, new ExistsRequest("/g/missing", false));
        op("A exists /g/p", a, EXISTS, new ExistsRequest("/g/p", false));
        op("A getData missing", a, GET_DATA, new GetDataRequest("/g/missing", false));
        op("A getChildren missing", a, GET_CHILDREN, new GetChildrenRequest("/g/missing", false));
        op("A getChildren2 missing", a, GET_CHILDREN2, new GetChildren2Request("/g/missing", false));

        // --- ACLs and auth
        String alice = digest("alice:secret");
        String bob = digest("bob:pw");
        op(
                "A create /g/acl",
                a,
                CREATE2,
                new CreateRequest("/g/acl", b("s"), acl(Perms.ALL, "digest", alice, Perms.READ, "world", "anyone"), 0));
        op("B getData /g/acl", bc, GET_DATA, new GetDataRequest("/g/acl", false));
        op("B getACL /g/acl", bc, GET_ACL, new GetACLRequest("/g/acl"));
        op("B setData /g/acl", bc, SET_DATA, new SetDataRequest("/g/acl", b("x"), -1));
        op("B setACL /g/acl", bc, SET_ACL, new SetACLRequest("/g/acl", OPEN, -1));
        op("B create /g/acl/c", bc, CREATE, cr("/g/acl/c", "", 0));
        op("B delete /g/acl/c (missing)", bc, DELETE, new DeleteRequest("/g/acl/c", -1));
        t.reply("B addauth digest alice", AUTH, bc.callXid(-4, AUTH, new AuthPacket(0, "digest", b("alice:secret"))));
        op("B whoAmI", bc, WHO_AM_I, null);
        op("B setData /g/acl", bc, SET_DATA, new SetDataRequest("/g/acl", b("x"), -1));
        op(
                "B setACL /g/acl v0",
                bc,
                SET_ACL,
                new SetACLRequest(
                        "/g/acl", acl(Perms.ALL, "digest", alice, Perms.READ | Perms.CREATE, "world", "anyone"), 0));
        op("B setACL /g/acl v0 again", bc, SET_ACL, new SetACLRequest("/g/acl", OPEN, 0));
        op("B setACL /g/acl empty", bc, SET_ACL, new SetACLRequest("/g/acl", new ArrayList<>(), -1));
        op("B setACL /g/acl bad scheme", bc, SET_ACL, new SetACLRequest("/g/acl", acl(31, "foo", "x"), -1));
        op("B setACL missing", bc, SET_ACL, new SetACLRequest("/g/missing", OPEN, -1));
        op("B getACL /g/acl", bc, GET_ACL, new GetACLRequest("/g/acl"));
        op("A getACL /g/acl", a, GET_ACL, new GetACLRequest("/g/acl"));
        op("A create /g/acl/c (world create)", a, CREATE, cr("/g/acl/c", "", 0));
        op("B create /g/au with auth acl", bc, CREATE2, new CreateRequest("/g/au", b(""), acl(31, "auth", ""), 0));
        op("B getACL /g/au", bc, GET_ACL, new GetACLRequest("/g/au"));
        op("A getACL /g/au (no admin)", a, GET_ACL, new GetACLRequest("/g/au"));
        op("A getData /g/au", a, GET_DATA, new GetDataRequest("/g/au", false));
        op("A exists /g/au (no read)", a, EXISTS, new ExistsRequest("/g/au", false));
        op("A getChildren /g/au", a, GET_CHILDREN, new GetChildrenRequest("/g/au", false));
        op(
                "B create /g/bob",
                bc,
                CREATE2,
                new CreateRequest(
                        "/g/bob",
                        b("b"),
                        acl(Perms.READ | Perms.ADMIN, "digest", bob, Perms.CREATE | Perms.DELETE, "world", "anyone"),
                        0));
        op("A create /g/bob/k (world create)", a, CREATE2, cr("/g/bob/k", "", 0));
        op("A delete /g/bob/k (world delete)", a, DELETE, new DeleteRequest("/g/bob/k", -1));
        op("A getData /g/bob", a, GET_DATA, new GetDataRequest("/g/bob", false));
        op("A getACL /g/bob", a, GET_ACL, new GetACLRequest("/g/bob"));
        t.reply("A addauth digest bob", AUTH, a.callXid(-4, AUTH, new AuthPacket(0, "digest", b("bob:pw"))));
        t.reply("A addauth digest bob again", AUTH, a.callXid(-4, AUTH, new AuthPacket(0, "digest", b("bob:pw"))));
        op("A whoAmI", a, WHO_AM_I, null);
        op("A getACL /g/bob (admin)", a, GET_ACL, new GetACLRequest("/g/bob"));
        op("A setData /g/bob (no write)", a, SET_DATA, new SetDataRequest("/g/bob", b("z"), -1));
        op("A setACL /g/bob", a, SET_ACL, new SetACLRequest("/g/bob", acl(31, "auth", ""), -1));
        op("A getACL /g/bob", a, GET_ACL, new GetACLRequest("/g/bob"));
        op("W whoAmI", w, WHO_AM_I, null);

        // failing auth schemes: each on a throwaway session
        RawClient d1 = session("D1", 30_000);
        t.reply("D1 addauth foo", AUTH, d1.callXid(-4, AUTH, new AuthPacket(0, "foo", b("x"))));
        t.add("D1 closed after failed auth: " + d1.closedByPeer());
        d1.close();
        RawClient d2 = session("D2", 30_000);
        t.reply("D2 addauth digest nocolon", AUTH, d2.callXid(-4, AUTH, new AuthPacket(0, "digest", b("nocolon"))));
        op("D2 whoAmI", d2, WHO_AM_I, null);
        op("D2 close", d2, CLOSE, null);
        d2.close();
        RawClient d3 = session("D3", 30_000);
        t.reply("D3 addauth ip", AUTH, d3.callXid(-4, AUTH, new AuthPacket(0, "ip", b("127.0.0.1"))));
        op("D3 whoAmI", d3, WHO_AM_I, null);
        d3.close();

        // --- delete
        op("A delete /g/p v5", a, DELETE, new DeleteRequest("/g/p", 5));
        op("A delete /g not empty", a, DELETE, new DeleteRequest("/g", -1));
        op("A delete /g not empty bad version", a, DELETE, new DeleteRequest("/g", 99));
        op("A delete missing", a, DELETE, new DeleteRequest("/g/missing", -1));
        op("A delete missing bad version", a, DELETE, new DeleteRequest("/g/missing", 3));
        op("A delete bad path", a, DELETE, new DeleteRequest("/g//p", -1));
        op("A delete /g/p v0", a, DELETE, new DeleteRequest("/g/p", 0));
        op("B delete /g/e (other session's ephemeral)", bc, DELETE, new DeleteRequest("/g/e", -1));
        op("A getChildren2 /g", a, GET_CHILDREN2, new GetChildren2Request("/g", false));
        op("A exists /g", a, EXISTS, new ExistsRequest("/g", false));

        // --- one-shot watches
        op("A create /g/w", a, CREATE, cr("/g/w", "w", 0));
        op("W getData /g/w watch", w, GET_DATA, new GetDataRequest("/g/w", true));
        op("W getChildren /g/w watch", w, GET_CHILDREN, new GetChildrenRequest("/g/w", true));
        op("W exists /g/w/n watch (missing)", w, EXISTS, new ExistsRequest("/g/w/n", true));
        op("W getData /g/w/m watch (missing)", w, GET_DATA, new GetDataRequest("/g/w/m", true));
        op("W checkWatches /g/w data", w, CHECK_WATCHES, new CheckWatchesRequest("/g/w", 2));
        op("W checkWatches /g/w children", w, CHECK_WATCHES, new CheckWatchesRequest("/g/w", 1));
        op("W checkWatches /g/w/m any (none)", w, CHECK_WATCHES, new CheckWatchesRequest("/g/w/m", 3));
        op("W checkWatches /g/w/n data (exist watch)", w, CHECK_WATCHES, new CheckWatchesRequest("/g/w/n", 2));
        op("A setData /g/w", a, SET_DATA, new SetDataRequest("/g/w", b("w2"), -1));
        drain("W", w);
        op("A setData /g/w again (watch consumed)", a, SET_DATA, new SetDataRequest("/g/w", b("w3"), -1));
        drain("W", w);
        op("A create /g/w/n", a, CREATE, cr("/g/w/n", "", 0));
        drain("W", w);
        op("A create /g/w/m", a, CREATE, cr("/g/w/m", "", 0));
        drain("W", w);
        op("W getData /g/w/n watch", w, GET_DATA, new GetDataRequest("/g/w/n", true));
        op("W getChildren /g/w/n watch", w, GET_CHILDREN, new GetChildrenRequest("/g/w/n", true));
        op("W exists /g/w/n watch", w, EXISTS, new ExistsRequest("/g/w/n", true));
        op("W getChildren /g/w watch", w, GET_CHILDREN, new GetChildrenRequest("/g/w", true));
        op("A delete /g/w/n", a, DELETE, new DeleteRequest("/g/w/n", -1));
        drain("W", w);
        op("W getData /g/w watch", w, GET_DATA, new GetDataRequest("/g/w", true));
        op("W removeWatches /g/w data", w, REMOVE_WATCHES, new RemoveWatchesRequest("/g/w", 2));
        op("W removeWatches /g/w data again", w, REMOVE_WATCHES, new RemoveWatchesRequest("/g/w", 2));
        op("W getChildren /g/w watch", w, GET_CHILDREN, new GetChildrenRequest("/g/w", true));
        op("W removeWatches /g/w any", w, REMOVE_WATCHES, new RemoveWatchesRequest("/g/w", 3));
        op("A setData /g/w (no watches left)", a, SET_DATA, new SetDataRequest("/g/w", b("w4"), -1));
        op("A create /g/w/o (no watches left)", a, CREATE, cr("/g/w/o", "", 0));
        drain("W", w);
        op("W getData /g/w watch (own write)", w, GET_DATA, new GetDataRequest("/g/w", true));
        op("W setData /g/w (own write fires own watch)", w, SET_DATA, new SetDataRequest("/g/w", b("w5"), -1));

        // --- persistent and recursive watches
        op("W addWatch /g/pw persistent (missing)", w, ADD_WATCH, new AddWatchRequest("/g/pw", 0));
        op("W addWatch /g/rw recursive (missing)", w, ADD_WATCH, new AddWatchRequest("/g/rw", 1));
        op("W addWatch bad mode 7", w, ADD_WATCH, new AddWatchRequest("/g/xw", 7));
        op("A create /g/pw", a, CREATE, cr("/g/pw", "", 0));
        op("A setData /g/pw", a, SET_DATA, new SetDataRequest("/g/pw", b("1"), -1));
        op("A create /g/pw/c", a, CREATE, cr("/g/pw/c", "", 0));
        op("A setData /g/pw/c (not watched)", a, SET_DATA, new SetDataRequest("/g/pw/c", b("1"), -1));
        op("A delete /g/pw/c", a, DELETE, new DeleteRequest("/g/pw/c", -1));
        op("A delete /g/pw", a, DELETE, new DeleteRequest("/g/pw", -1));
        op("A create /g/pw again", a, CREATE, cr("/g/pw", "", 0));
        drain("W", w);
        op("A create /g/rw", a, CREATE, cr("/g/rw", "", 0));
        op("A create /g/rw/x", a, CREATE, cr("/g/rw/x", "", 0));
        op("A create /g/rw/x/y", a, CREATE, cr("/g/rw/x/y", "", 0));
        op("A setData /g/rw/x/y", a, SET_DATA, new SetDataRequest("/g/rw/x/y", b("1"), -1));
        op("A delete /g/rw/x/y", a, DELETE, new DeleteRequest("/g/rw/x/y", -1));
        op("A create /g/rwz (sibling, not covered)", a, CREATE, cr("/g/rwz", "", 0));
        drain("W", w);
        op("W checkWatches /g/rw persistent-recursive", w, CHECK_WATCHES, new CheckWatchesRequest("/g/rw", 5));
        op("W checkWatches /g/rw persistent", w, CHECK_WATCHES, new CheckWatchesRequest("/g/rw", 4));
        op("W checkWatches /g/pw persistent", w, CHECK_WATCHES, new CheckWatchesRequest("/g/pw", 4));
        op("W removeWatches /g/pw persistent", w, REMOVE_WATCHES, new RemoveWatchesRequest("/g/pw", 4));
        op("W removeWatches /g/rw any", w, REMOVE_WATCHES, new RemoveWatchesRequest("/g/rw", 3));
        op("W removeWatches /g/rw recursive again", w, REMOVE_WATCHES, new RemoveWatchesRequest("/g/rw", 5));
        op("A setData /g/pw (unwatched)", a, SET_DATA, new SetDataRequest("/g/pw", b("2"), -1));
        op("A create /g/rw/z (unwatched)", a, CREATE, cr("/g/rw/z", "", 0));
        drain("W", w);

        // --- multi
        opBytes(
                "A multi ok",
                a,
                MULTI,
                new M()
                        .op(CREATE, cr("/g/m1", "a", 0))
                        .op(CREATE2, cr("/g/m2", "b", 0))
                        .op(SET_DATA, new SetDataRequest("/g/m1", b("a2"), 0))
                        .op(CHECK, new CheckVersionRequest("/g/m1", 1))
                        .op(DELETE, new DeleteRequest("/g/m2", 0))
                        .op(CREATE_TTL, new CreateTTLRequest("/g/mt", b(""), OPEN, 5, HOUR))
                        .op(CREATE_CONTAINER, cr("/g/mc", "", 4))
                        .op(CREATE, cr("/g/ms-", "", 2))
                        .op(CREATE, cr("/g/ms-", "", 2))
                        .op(CREATE2, cr("/g/me-", "", 3))
                        .bytes());
        opBytes(
                "A multi fail middle",
                a,
                MULTI,
                new M()
                        .op(CREATE, cr("/g/m3", "", 0))
                        .op(CREATE, cr("/g/m1", "", 0))
                        .op(SET_DATA, new SetDataRequest("/g/m1", b("zz"), -1))
                        .bytes());
        op("A exists /g/m3 (rolled back)", a, EXISTS, new ExistsRequest("/g/m3", false));
        opBytes(
                "A multi fail check",
                a,
                MULTI,
                new M()
                        .op(SET_DATA, new SetDataRequest("/g/m1", b("zz"), -1))
                        .op(CHECK, new CheckVersionRequest("/g/m1", 1))
                        .bytes());
        opBytes(
                "A multi fail first",
                a,
                MULTI,
                new M()
                        .op(DELETE, new DeleteRequest("/g/nope", -1))
                        .op(CREATE, cr("/g/m4", "", 0))
                        .op(CREATE, cr("/g/m5", "", 0))
                        .bytes());
        opBytes(
                "A multi fail last",
                a,
                MULTI,
                new M()
                        .op(CREATE, cr("/g/m4", "", 0))
                        .op(CHECK, new CheckVersionRequest("/g/nope", -1))
                        .bytes());
        opBytes(
                "A multi bad path",
                a,
                MULTI,
                new M()
                        .op(CREATE, cr("/g/m6", "", 0))
                        .op(CREATE, cr("/g//m7", "", 0))
                        .bytes());
        opBytes(
                "A multi bad acl",
                a,
                MULTI,
                new M()
                        .op(CREATE, new CreateRequest("/g/m8", b(""), new ArrayList<>(), 0))
                        .bytes());
        opBytes(
                "A multi bad flag",
                a,
                MULTI,
                new M().op(CREATE, cr("/g/m9", "", 9)).bytes());
        opBytes(
                "A multi noauth",
                a,
                MULTI,
                new M().op(SET_DATA, new SetDataRequest("/g/acl", b("x"), -1)).bytes());
        opBytes(
                "A multi delete+recreate",
                a,
                MULTI,
                new M()
                        .op(DELETE, new DeleteRequest("/g/m1", -1))
                        .op(CREATE2, cr("/g/m1", "again", 0))
                        .bytes());
        opBytes(
                "A multi create parent+child",
                a,
                MULTI,
                new M()
                        .op(CREATE, cr("/g/mp", "", 0))
                        .op(CREATE, cr("/g/mp/c", "", 0))
                        .op(CHECK, new CheckVersionRequest("/g/mp", 0))
                        .bytes());
        opBytes("A multi empty", a, MULTI, new M().bytes());
        opBytes(
                "A multiRead",
                a,
                MULTI_READ,
                new M()
                        .op(GET_CHILDREN, new GetChildrenRequest("/g/mp", false))
                        .op(GET_DATA, new GetDataRequest("/g/m1", false))
                        .op(GET_DATA, new GetDataRequest("/g/missing", false))
                        .op(GET_CHILDREN, new GetChildrenRequest("/g/missing", false))
                        .op(GET_DATA, new GetDataRequest("/g/au", false))
                        .bytes());
        opBytes("A multiRead empty", a, MULTI_READ, new M().bytes());
        op("A getChildren2 /g", a, GET_CHILDREN2, new GetChildren2Request("/g", false));
        op("W getChildren /g watch", w, GET_CHILDREN, new GetChildrenRequest("/g", true));
        op("W getData /g/m1 watch", w, GET_DATA, new GetDataRequest("/g/m1", true));
        opBytes(
                "W multi (own change fires own watches)",
                w,
                MULTI,
                new M()
                        .op(SET_DATA, new SetDataRequest("/g/m1", b("w"), -1))
                        .op(CREATE, cr("/g/mw", "", 0))
                        .bytes());

        // --- misc reads
        op("A sync /g", a, SYNC, new SyncRequest("/g"));
        op("A sync missing", a, SYNC, new SyncRequest("/nope"));
        op("A getEphemerals /", a, GET_EPHEMERALS, new GetEphemeralsRequest("/"));
        op("A getEphemerals /g/e", a, GET_EPHEMERALS, new GetEphemeralsRequest("/g/e"));
        op("A getEphemerals /g/q", a, GET_EPHEMERALS, new GetEphemeralsRequest("/g/q"));
        op("B getEphemerals /", bc, GET_EPHEMERALS, new GetEphemeralsRequest("/"));
        op("A getAllChildrenNumber /g", a, GET_ALL_CHILDREN_NUMBER, new GetAllChildrenNumberRequest("/g"));
        op("A getAllChildrenNumber /g/q", a, GET_ALL_CHILDREN_NUMBER, new GetAllChildrenNumberRequest("/g/q"));
        op("A getAllChildrenNumber missing", a, GET_ALL_CHILDREN_NUMBER, new GetAllChildrenNumberRequest("/g/missing"));
        op("A getAllChildrenNumber /", a, GET_ALL_CHILDREN_NUMBER, new GetAllChildrenNumberRequest("/"));
        op("A reconfig", a, RECONFIG, new ReconfigRequest(null, null, "server.1=127.0.0.1:2888:3888", -1));
        op("A getData /zookeeper/config", a, GET_DATA, new GetDataRequest("/zookeeper/config", false));

        // --- quota nodes, as zkCli setquota creates them
        op("A create /qt", a, CREATE, cr("/qt", "", 0));
        op("A create /zookeeper/quota/qt", a, CREATE2, cr("/zookeeper/quota/qt", null, 0));
        op("A create zookeeper_limits", a, CREATE2, cr("/zookeeper/quota/qt/zookeeper_limits", "count=2,bytes=-1", 0));
        op("A create zookeeper_stats", a, CREATE2, cr("/zookeeper/quota/qt/zookeeper_stats", "count=1,bytes=0", 0));
        op("A create /qt/a", a, CREATE, cr("/qt/a", "12345", 0));
        op("A create /qt/b", a, CREATE, cr("/qt/b", "x", 0));
        op("A create /qt/c (over count quota)", a, CREATE, cr("/qt/c", "x", 0));
        op("A getData zookeeper_stats", a, GET_DATA, new GetDataRequest("/zookeeper/quota/qt/zookeeper_stats", false));
        op("A getChildren2 /zookeeper/quota", a, GET_CHILDREN2, new GetChildren2Request("/zookeeper/quota", false));

        // --- setWatches on reconnection (catch-up events with zxid -1)
        op("A create /sw", a, CREATE, cr("/sw", "", 0));
        op("A create /sw/changed", a, CREATE, cr("/sw/changed", "", 0));
        op("A create /sw/gone", a, CREATE, cr("/sw/gone", "", 0));
        op("A create /sw/same", a, CREATE, cr("/sw/same", "", 0));
        op("A create /sw/kids", a, CREATE, cr("/sw/kids", "", 0));
        op("W sync /sw", w, SYNC, new SyncRequest("/sw"));
        long rel = w.lastZxidSeen;
        long wsid = w.sessionId;
        byte[] wpw = w.passwd;
        w.closeAbruptly();
        op("A setData /sw/changed", a, SET_DATA, new SetDataRequest("/sw/changed", b("c"), -1));
        op("A delete /sw/gone", a, DELETE, new DeleteRequest("/sw/gone", -1));
        op("A create /sw/new", a, CREATE, cr("/sw/new", "", 0));
        op("A create /sw/kids/k", a, CREATE, cr("/sw/kids/k", "", 0));
        RawClient w2 = RawClient.open(port);
        t.add("W reconnect " + t.connect(w2.connect(a.lastZxidSeen, 30_000, wsid, wpw, true), w2.lastConnectFrame));
        op(
                "W setWatches",
                w2,
                SET_WATCHES,
                new SetWatches(
                        rel,
                        List.of("/sw/changed", "/sw/gone", "/sw/same"),
                        List.of("/sw/new", "/sw/none", "/sw/same"),
                        List.of("/sw", "/sw/kids", "/sw/gone", "/sw/same")));
        op("A setData /sw/same", a, SET_DATA, new SetDataRequest("/sw/same", b("s"), -1));
        op("A create /sw/none", a, CREATE, cr("/sw/none", "", 0));
        drain("W", w2);
        op(
                "W setWatches2",
                w2,
                SET_WATCHES2,
                new SetWatches2(
                        rel, List.of("/sw/changed"), List.of(), List.of("/sw"), List.of("/sw/p"), List.of("/sw/r")));
        op("A create /sw/p", a, CREATE, cr("/sw/p", "", 0));
        op("A create /sw/r", a, CREATE, cr("/sw/r", "", 0));
        op("A create /sw/r/x", a, CREATE, cr("/sw/r/x", "", 0));
        drain("W", w2);

        // --- ephemerals of a closed session; reconnect refusals
        op("B create /g/be ephemeral", bc, CREATE, cr("/g/be", "", 1));
        op("W2 exists /g/be watch", w2, EXISTS, new ExistsRequest("/g/be", true));
        op("W2 getChildren /g watch", w2, GET_CHILDREN, new GetChildrenRequest("/g", true));
        op("B getEphemerals /", bc, GET_EPHEMERALS, new GetEphemeralsRequest("/"));
        long bsid = bc.sessionId;
        byte[] bpw = bc.passwd;
        op("B close", bc, CLOSE, null);
        t.add("B closed by server after close: " + bc.closedByPeer());
        drain("W", w2);
        op("A exists /g/be", a, EXISTS, new ExistsRequest("/g/be", false));
        try (RawClient b2 = RawClient.open(port)) {
            t.add("B reconnect closed session " + t.connect(b2.connect(0, 30_000, bsid, bpw, true), b2.lastConnectFrame)
                    + " then closed: " + b2.closedByPeer());
        }
        byte[] wrong = a.passwd.clone();
        wrong[0] ^= 1;
        try (RawClient a2 = RawClient.open(port)) {
            t.add("A reconnect wrong password "
                    + t.connect(a2.connect(0, 30_000, a.sessionId, wrong, true), a2.lastConnectFrame) + " then closed: "
                    + a2.closedByPeer());
        }
        // Deliberate difference: ZooKeeper drops the session's live connection before it checks the password,
        // so anyone who knows a session id can cut its client off. Coordinator checks first and keeps it
        // (WireBehaviourTest#wrongPasswordDoesNotDisturbTheLiveConnection), so this step is not compared.
        a.closedByPeer();
        a.close();
        RawClient a3 = RawClient.open(port);
        t.add("A reconnect right password "
                + t.connect(a3.connect(a.lastZxidSeen, 30_000, a.sessionId, a.passwd, true), a3.lastConnectFrame));
        a = a3;
        op("A still alive", a, EXISTS, new ExistsRequest("/g", false));
        op("A getEphemerals / after reconnect", a, GET_EPHEMERALS, new GetEphemeralsRequest("/"));
        try (RawClient c = RawClient.open(port)) {
            t.add("N no readOnly byte " + t.connect(c.connect(0, 30_000, 0, new byte[16], false), c.lastConnectFrame));
            op("N close", c, CLOSE, null);
        }
        for (int to : new int[] {1000, 4000, 10_000, 40_000, 100_000, 0}) {
            try (RawClient c = RawClient.open(port)) {
                t.add("N timeout " + to + " " + t.connect(c.connect(0, to, 0, new byte[16], true), c.lastConnectFrame));
                op("N close", c, CLOSE, null);
            }
        }
        try (RawClient c = RawClient.open(port)) {
            t.add("N unknown session "
                    + t.connect(c.connect(0, 30_000, 0x12345678L, new byte[16], true), c.lastConnectFrame));
        }
        RawClient u = session("U", 30_000);
        opBytes("U unknown opcode 999", u, 999, new byte[0]);
        t.add("U closed after unknown opcode: " + u.closedByPeer());
        u.close();

        // --- the main session closes: its ephemerals go
        op("W2 getChildren /g/q watch", w2, GET_CHILDREN, new GetChildrenRequest("/g/q", true));
        op("A close", a, CLOSE, null);
        drain("W", w2);
        op("W getChildren2 /g", w2, GET_CHILDREN2, new GetChildren2Request("/g", false));
        op("W getChildren2 /g/q", w2, GET_CHILDREN2, new GetChildren2Request("/g/q", false));
        op("W close", w2, CLOSE, null);
        a.close();
        w2.close();
        bc.close();
    }
}
