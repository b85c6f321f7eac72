package io.coordinator.server;

import io.coordinator.server.cluster.ForwardedMessage;
import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.ConnectRequest;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.request.StateSnapshots;
import io.coordinator.server.storage.LogOptions;
import io.coordinator.server.storage.SnapshotStore;
import io.coordinator.server.storage.TxnLog;
import io.coordinator.server.tree.DataTree;
import io.coordinator.server.zab.Peer;
import io.coordinator.server.zab.Role;
import io.coordinator.server.zab.ZabCodec;
import io.coordinator.server.zab.ZabMessage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the seed corpus of every fuzz target from the real encoders, into the Jazzer inputs directories
 * under src/test/resources (seed-* files; crash-* files there are findings and are left alone). Run after a
 * format change: {@code mvn -pl coordinator-server -am test -Dtest=FuzzSeedsWriter
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.seeds=write}.
 */
@EnabledIfSystemProperty(named = "fuzz.seeds", matches = "write")
public class FuzzSeedsWriter {
    private static final Path RESOURCES = Path.of("src/test/resources/io/coordinator/server");
    /** The pure packages' fuzz targets live in coordinator-core, a sibling of this module. */
    private static final Path CORE_RESOURCES = Path.of("../coordinator-core/src/test/resources/io/coordinator/server");

    private static final Set<String> CORE_PACKAGES = Set.of("protocol", "tree", "session", "zab", "storage", "request");
    private static final byte[] PASSWD = new byte[16];

    @Test
    void write() throws Exception {
        clientPipeline();
        connectRequests();
        requests();
        txnRecords();
        zab();
        quorumPort();
        txnLog();
        snapshots();
        zooCfg();
        web();
    }

    // ------------------------------------------------------------------ client port

    private void clientPipeline() throws IOException {
        Path dir = inputs("net", "ClientPipelineFuzzTest", "inbound");
        byte[] connect = frame(new ConnectRequest(0, 0, 30000, 0, PASSWD, false, true).toBytes());
        byte[] reconnect =
                frame(new ConnectRequest(0, 0x100000003L, 4000, 0x0100000000000001L, PASSWD, true, true).toBytes());
        List<byte[]> requests = new ArrayList<>();
        for (var e : sampleRequests().entrySet()) {
            requests.add(requestFrame(7, e.getKey(), e.getValue()));
        }
        requests.add(requestFrame(-2, OpCode.PING, Requests.Empty.INSTANCE));
        requests.add(requestFrame(-4, OpCode.AUTH, new Requests.Auth(0, "digest", "u:p".getBytes())));
        seed(dir, "session", concat((byte) 255, connect, concat(requests.toArray(byte[][]::new))));
        seed(
                dir,
                "session-in-small-chunks",
                concat(
                        (byte) 6,
                        reconnect,
                        requestFrame(1, OpCode.GET_DATA, new Requests.PathWatch("/a", true)),
                        requestFrame(2, OpCode.CLOSE_SESSION, Requests.Empty.INSTANCE)));
        seed(
                dir,
                "old-client-without-readonly",
                concat(
                        (byte) 40,
                        frame(new ConnectRequest(0, 0, 30000, 0, PASSWD, false, false).toBytes()),
                        requestFrame(1, OpCode.EXISTS, new Requests.PathWatch("/", false))));
        seed(dir, "four-letter-word", concat((byte) 1, "ruok".getBytes()));
        seed(
                dir,
                "unknown-opcode",
                concat(
                        (byte) 255,
                        connect,
                        requestFrame(3, 999, Requests.Empty.INSTANCE),
                        requestFrame(4, OpCode.PING, Requests.Empty.INSTANCE)));
    }

    private void connectRequests() throws IOException {
        Path dir = inputs("protocol", "ConnectRequestFuzzTest", "read");
        seed(dir, "new-session", new ConnectRequest(0, 0, 30000, 0, PASSWD, false, true).toBytes());
        seed(
                dir,
                "reconnect-readonly",
                new ConnectRequest(0, 0x200000010L, 6000, 0x0200000000000005L, PASSWD, true, true).toBytes());
        seed(dir, "no-readonly-byte", new ConnectRequest(0, 0, 30000, 0, PASSWD, false, false).toBytes());
    }

    private void requests() throws IOException {
        Path dir = inputs("protocol", "RequestsFuzzTest", "decode");
        int[] opcodes = opcodeTable();
        Map<Integer, Requests.Body> samples = sampleRequests();
        for (int i = 0; i < opcodes.length; i++) {
            Requests.Body body = samples.get(opcodes[i]);
            if (body != null) {
                seed(dir, OpCode.name(opcodes[i]) + "-" + opcodes[i], concat((byte) i, encode(opcodes[i], body)));
            }
        }
    }

    /**
     * RequestsFuzzTest.OPCODES (the corpus's seeds refer to its indexes). That test lives in coordinator-core's tests,
     * which are not on this module's classpath (no test-jar between the modules), so it is loaded from the core's
     * compiled tests, beside whose corpus the seeds are written; run with {@code -am} so they are compiled.
     */
    private static int[] opcodeTable() throws IOException {
        Path coreTests = Path.of("../coordinator-core/target/test-classes");
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {coreTests.toUri().toURL()}, FuzzSeedsWriter.class.getClassLoader())) {
            var f = loader.loadClass("io.coordinator.server.protocol.RequestsFuzzTest")
                    .getDeclaredField("OPCODES");
            f.setAccessible(true);
            return (int[]) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("RequestsFuzzTest not found under " + coreTests.toAbsolutePath(), e);
        }
    }

    /** One valid body per client opcode (also the round-trip cases of other tests). */
    public static Map<Integer, Requests.Body> sampleRequests() {
        List<Acl> open = Acl.OPEN_ACL_UNSAFE;
        List<Acl> digest = List.of(
                new Acl(31, new Id("digest", "u:9LqLTRgYnvNnRNFIq1QwsRFPv1U=")),
                new Acl(1, new Id("ip", "10.0.0.0/8")));
        var m = new java.util.LinkedHashMap<Integer, Requests.Body>();
        m.put(OpCode.CREATE, new Requests.Create("/app/node", "data".getBytes(), open, 0, -1));
        m.put(OpCode.CREATE2, new Requests.Create("/app/seq-", null, digest, 3, -1));
        m.put(OpCode.CREATE_CONTAINER, new Requests.Create("/c", new byte[0], open, 4, -1));
        m.put(OpCode.CREATE_TTL, new Requests.Create("/ttl", "x".getBytes(), open, 5, 60_000));
        m.put(OpCode.DELETE, new Requests.Delete("/app/node", -1));
        m.put(OpCode.EXISTS, new Requests.PathWatch("/app", true));
        m.put(OpCode.GET_DATA, new Requests.PathWatch("/app/node", false));
        m.put(OpCode.SET_DATA, new Requests.SetData("/app/node", "v2".getBytes(), 3));
        m.put(OpCode.GET_ACL, new Requests.PathOnly("/app"));
        m.put(OpCode.SET_ACL, new Requests.SetAcl("/app", digest, 0));
        m.put(OpCode.GET_CHILDREN, new Requests.PathWatch("/", true));
        m.put(OpCode.SYNC, new Requests.PathOnly("/app"));
        m.put(OpCode.PING, Requests.Empty.INSTANCE);
        m.put(OpCode.GET_CHILDREN2, new Requests.PathWatch("/services", false));
        m.put(OpCode.CHECK, new Requests.CheckVersion("/app", 2));
        m.put(
                OpCode.MULTI,
                new Requests.Multi(List.of(
                        new Requests.Op(OpCode.CREATE, new Requests.Create("/m/a", "1".getBytes(), open, 2, -1)),
                        new Requests.Op(OpCode.SET_DATA, new Requests.SetData("/m", null, -1)),
                        new Requests.Op(OpCode.CHECK, new Requests.CheckVersion("/m", 1)),
                        new Requests.Op(OpCode.DELETE, new Requests.Delete("/m/b", 0)))));
        m.put(
                OpCode.MULTI_READ,
                new Requests.Multi(List.of(
                        new Requests.Op(OpCode.GET_CHILDREN, new Requests.PathWatch("/m", false)),
                        new Requests.Op(OpCode.GET_DATA, new Requests.PathWatch("/m/a", false)))));
        m.put(OpCode.RECONFIG, new Requests.Reconfig("server.4=127.0.0.1:2888:3888;2181", "2", null, -1));
        m.put(OpCode.CHECK_WATCHES, new Requests.WatchType("/app", 3));
        m.put(OpCode.REMOVE_WATCHES, new Requests.WatchType("/app", 1));
        m.put(OpCode.DELETE_CONTAINER, new Requests.PathOnly("/c"));
        m.put(OpCode.AUTH, new Requests.Auth(0, "digest", "user:secret".getBytes()));
        m.put(
                OpCode.SET_WATCHES,
                new Requests.SetWatches(
                        0x100000007L, List.of("/a", "/b"), List.of("/gone"), List.of("/"), List.of(), List.of()));
        m.put(
                OpCode.SET_WATCHES2,
                new Requests.SetWatches(5, List.of("/a"), List.of(), List.of("/b"), List.of("/p"), List.of("/r")));
        m.put(OpCode.SASL, new Requests.Sasl(new byte[] {1, 2, 3}));
        m.put(OpCode.GET_EPHEMERALS, new Requests.PathOnly("/services"));
        m.put(OpCode.GET_ALL_CHILDREN_NUMBER, new Requests.PathOnly("/"));
        m.put(OpCode.ADD_WATCH, new Requests.AddWatch("/config", 1));
        m.put(OpCode.WHO_AM_I, Requests.Empty.INSTANCE);
        m.put(OpCode.CLOSE_SESSION, Requests.Empty.INSTANCE);
        return m;
    }

    // ------------------------------------------------------------------ txns, replication

    static List<TxnRecord> sampleTxns() {
        List<Acl> open = Acl.OPEN_ACL_UNSAFE;
        long s = 0x0100000000000001L;
        List<Txn> txns = List.of(
                new Txn.CreateSession(s, 30000),
                new Txn.Create("/app", "cfg".getBytes(), open, 0, 1),
                new Txn.Create("/app/e", null, open, s, 1),
                new Txn.Create("/c", new byte[0], open, Txn.CONTAINER_OWNER, 2),
                new Txn.Create("/t", new byte[0], open, Txn.TTL_OWNER_BITS | 5000, 3),
                new Txn.SetData("/app", "v2".getBytes(), 1),
                new Txn.SetAcl("/app", List.of(new Acl(1, Id.ANYONE)), 1),
                new Txn.Check("/app", 1),
                new Txn.Multi(List.of(new Txn.Create("/m", null, open, 0, 4), new Txn.Delete("/c"))),
                new Txn.Multi(List.of(new Txn.Error(0), new Txn.Error(-110))),
                new Txn.Error(-101),
                new Txn.Delete("/app/e"),
                new Txn.CloseSession(s));
        List<TxnRecord> out = new ArrayList<>();
        long zxid = 0x100000001L;
        for (Txn t : txns) {
            out.add(new TxnRecord(new TxnHeader(s, out.size() + 1, zxid, 1_700_000_000_000L + zxid, t.type()), t));
            zxid++;
        }
        return out;
    }

    private void txnRecords() throws IOException {
        Path dir = inputs("protocol", "TxnRecordFuzzTest", "read");
        for (TxnRecord r : sampleTxns()) {
            seed(dir, OpCode.name(r.header().type()) + "-" + Long.toHexString(r.zxid()), r.toBytes());
        }
    }

    private void zab() throws IOException {
        Path dir = inputs("zab", "ZabCodecFuzzTest", "decode");
        TxnRecord rec = sampleTxns().get(1);
        List<ZabMessage> messages = List.of(
                new ZabMessage.Notification(2, 0x100000004L, 1, 3, Role.LOOKING),
                new ZabMessage.FollowerInfo(9, 1, 0x100000004L, 0x100000004L),
                new ZabMessage.ObserverInfo(9, 1, 0x100000004L, 0x100000003L),
                new ZabMessage.LeaderInfo(9, 2),
                new ZabMessage.AckEpoch(9, 2, 1, 0x100000004L),
                new ZabMessage.EpochRefused(9, 2, 3),
                new ZabMessage.Diff(9, 2, 1, 0x100000004L),
                new ZabMessage.Trunc(9, 2, 1, 0x100000002L),
                new ZabMessage.Snap(
                        9,
                        2,
                        1,
                        0x100000004L,
                        snapshotBody(),
                        0x100000002L,
                        List.of(new Peer(1, false), new Peer(2, false), new Peer(3, false))),
                new ZabMessage.Proposal(9, 2, 2, rec),
                new ZabMessage.Commit(9, 2, 3, rec.zxid()),
                new ZabMessage.Inform(9, 2, 4, sampleTxns().get(8)),
                new ZabMessage.NewLeader(9, 2, 5, 0x200000000L),
                new ZabMessage.UpToDate(9, 2, 6),
                new ZabMessage.AckNewLeader(9, 2, 0x200000000L),
                new ZabMessage.Ack(9, 2, 0x200000001L),
                new ZabMessage.Ping(9, 2, 7, 0x200000001L));
        for (ZabMessage m : messages) {
            seed(dir, m.getClass().getSimpleName(), ZabCodec.encode(m));
        }
    }

    /** What the quorum port carries beside ZAB: forwarded messages, and batches of frames. */
    private void quorumPort() throws IOException {
        Path dir = inputs("cluster", "ForwardedMessageFuzzTest", "decode");
        List<ForwardedMessage> messages = List.of(
                new ForwardedMessage.Request(
                        3,
                        0x0100000000000001L,
                        7,
                        OpCode.CREATE,
                        sampleRequests().get(OpCode.CREATE),
                        List.of(new Id("digest", "u:h"), new Id("ip", "10.0.0.1"))),
                new ForwardedMessage.Request(
                        3,
                        0x0100000000000001L,
                        8,
                        OpCode.MULTI,
                        sampleRequests().get(OpCode.MULTI),
                        List.of()),
                new ForwardedMessage.Request(
                        3, 0x0100000000000001L, 9, OpCode.CLOSE_SESSION, Requests.Empty.INSTANCE, List.of()),
                new ForwardedMessage.CreateSession(3, 0x0200000000000002L, 30000),
                new ForwardedMessage.Touch(List.of(0x0100000000000001L, 0x0200000000000002L)),
                new ForwardedMessage.Sync(0x0100000000000001L, 10),
                new ForwardedMessage.SyncDone(0x0100000000000001L, 10, 0x100000004L));
        List<byte[]> frames = new ArrayList<>();
        for (ForwardedMessage m : messages) {
            byte[] frame = ForwardedMessage.encode(m);
            frames.add(frame);
            String kind = m.getClass().getSimpleName();
            seed(dir, m instanceof ForwardedMessage.Request r ? kind + "-" + OpCode.name(r.type()) : kind, frame);
        }
        // FrameBatchFuzzTest takes the batch after its tag: [int length][frame] per frame
        Path batches = inputs("cluster", "FrameBatchFuzzTest", "decode");
        byte[] zab = concat(ForwardedMessage.TAG_ZAB, ZabCodec.encode(new ZabMessage.Ack(9, 2, 0x200000001L)));
        seed(batches, "zab-and-forwarded", lengthPrefixed(List.of(zab, frames.get(0), frames.get(5))));
        seed(batches, "one-frame", lengthPrefixed(List.of(frames.get(4))));
        seed(batches, "all-forwarded", lengthPrefixed(frames));
    }

    private static byte[] lengthPrefixed(List<byte[]> frames) {
        JuteWriter w = new JuteWriter();
        for (byte[] f : frames) {
            w.writeInt(f.length).writeRaw(f, 0, f.length);
        }
        return w.toByteArray();
    }

    // ------------------------------------------------------------------ storage

    private void txnLog() throws IOException {
        Path dir = inputs("storage", "TxnLogFuzzTest", "recover");
        Path tmp = Files.createTempDirectory("seed-log");
        try (TxnLog log = TxnLog.open(tmp, LogOptions.defaults().withPreallocateBytes(4096))) {
            for (TxnRecord r : sampleTxns()) {
                log.append(r);
            }
            log.sync();
        }
        try (Stream<Path> s = Files.list(tmp)) {
            for (Path p : s.toList()) {
                // mode 0: the segment as on disk, without the trailing preallocated zeros
                byte[] b = Files.readAllBytes(p);
                int end = b.length;
                while (end > 32 && b[end - 1] == 0) {
                    end--;
                }
                seed(dir, "segment", concat((byte) 0, java.util.Arrays.copyOf(b, end + 4)));
                Files.delete(p);
            }
        }
        Files.delete(tmp);
        // mode 1: count, per segment, damage kind, offset (2 bytes), segment, flips, steps, masks, sizes
        seed(dir, "torn-last-segment", new byte[] {1, 10, 4, 0, 0, 70, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9});
        seed(dir, "flipped-last-segment", new byte[] {1, 12, 5, 1, 0, 48, 0, 1, 3, 0, 0, 0, (byte) 0x80, 0, 0, 4});
        seed(dir, "flipped-early-segment", new byte[] {1, 20, 3, 2, 0, 40, 0, 2, 5, 7, 0, 0, 1, 2, 0, 0});
    }

    private static byte[] snapshotBody() throws IOException {
        DataTree tree = new DataTree();
        for (TxnRecord r : sampleTxns()) {
            tree.apply(r.header(), r.txn());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            StateSnapshots.write(out, Map.of(0x0100000000000001L, 30000, 0x0200000000000002L, 4000), tree);
        }
        return bytes.toByteArray();
    }

    private void snapshots() throws IOException {
        Path dir = inputs("storage", "SnapshotFuzzTest", "load");
        byte[] body = snapshotBody();
        seed(dir, "body", concat((byte) 0, body));
        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(empty)) {
            StateSnapshots.write(out, Map.of(), new DataTree());
        }
        seed(dir, "empty-tree-body", concat((byte) 0, empty.toByteArray()));
        Path tmp = Files.createTempDirectory("seed-snap");
        new SnapshotStore(tmp).write(0x100000005L, out -> out.write(body));
        Path file = tmp.resolve("snapshot." + String.format("%016x", 0x100000005L));
        seed(dir, "file", concat((byte) 1, Files.readAllBytes(file)));
        Files.delete(file);
        Files.delete(tmp);
    }

    // ------------------------------------------------------------------ configuration, REST

    private void zooCfg() throws IOException {
        Path dir = inputs("app", "ZooCfgFuzzTest", "parse");
        seed(
                dir,
                "standalone",
                String.join(
                                "\n",
                                "# standalone",
                                "tickTime=2000",
                                "dataDir=/var/lib/zookeeper",
                                "clientPort=2181",
                                "maxClientCnxns=60",
                                "4lw.commands.whitelist=srvr, ruok, mntr",
                                "autopurge.snapRetainCount=3",
                                "autopurge.purgeInterval=1",
                                "jute.maxbuffer=1048575",
                                "znode.container.checkIntervalMs=1000",
                                "")
                        .getBytes(StandardCharsets.UTF_8));
        seed(
                dir,
                "ensemble",
                String.join(
                                "\n",
                                "tickTime=2000",
                                "initLimit=10",
                                "syncLimit=5",
                                "dataDir=/nonexistent-fuzz-dir",
                                "clientPort=2181",
                                "server.1=127.0.0.1:2888:3888",
                                "server.2=127.0.0.1:2889:3889:participant",
                                "server.3=127.0.0.1:2890:3890:observer;2183",
                                "")
                        .getBytes(StandardCharsets.UTF_8));
        seed(dir, "typo", "tickTim=2000\n".getBytes(StandardCharsets.UTF_8));
    }

    private void web() throws Exception {
        Path dir = inputs("web", "WebInputsFuzzTest", "parse");
        String[][] samples = {
            {"0", "/services/orders/instance-0000000001"},
            {"1", "/queue/entry-"},
            {"2", "orders,prod"},
            {"3", "server.port"},
            {"4", "aGVsbG8=\0base64"},
            {"5", "cdrwa"},
            {"6", "W/\"3\""},
            {"7", "persistent_sequential_with_ttl"},
            {"8", "server:\n  port: 8080\nlist:\n  - a\n  - b\nanchors: &a {x: 1}\nref: *a\n"},
            {"8", "a.b=1\nc=two\\\n  continued\n# comment\n"}
        };
        for (String[] s : samples) {
            seed(
                    dir,
                    "parser" + s[0] + "-" + sha(s[1]).substring(0, 8),
                    concat((byte) Integer.parseInt(s[0]), s[1].getBytes(StandardCharsets.UTF_8)));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Path inputs(String pkg, String testClass, String method) throws IOException {
        Path root = CORE_PACKAGES.contains(pkg) ? CORE_RESOURCES : RESOURCES;
        return Files.createDirectories(
                root.resolve(pkg).resolve(testClass + "Inputs").resolve(method));
    }

    private static void seed(Path dir, String name, byte[] content) throws IOException {
        Files.write(dir.resolve("seed-" + name.replaceAll("[^A-Za-z0-9_.-]", "_")), content);
    }

    private static byte[] encode(int type, Requests.Body body) {
        JuteWriter w = new JuteWriter();
        Requests.encode(type, body, w);
        return w.toByteArray();
    }

    private static byte[] frame(byte[] payload) {
        JuteWriter w = new JuteWriter();
        w.writeInt(payload.length).writeRaw(payload, 0, payload.length);
        return w.toByteArray();
    }

    private static byte[] requestFrame(int xid, int type, Requests.Body body) {
        JuteWriter w = new JuteWriter();
        w.writeInt(xid).writeInt(type);
        Requests.encode(type, body, w);
        return frame(w.toByteArray());
    }

    private static byte[] concat(byte first, byte[]... parts) {
        return concat(new byte[] {first}, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String sha(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
