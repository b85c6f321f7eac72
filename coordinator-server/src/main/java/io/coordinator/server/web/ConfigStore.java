package io.coordinator.server.web;

import io.coordinator.config.format.ConfigNodes;
import io.coordinator.config.format.ContextName;
import io.coordinator.config.format.ContextReader;
import io.coordinator.config.format.DocumentFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.common.PathUtils;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Configuration contexts ({@code <config-path>/<application>[,<profile>]}, read as the starter reads them) and
 * their history. A publish replaces the context's content with one property per child znode, in one multi that
 * also appends the version to the history ({@code <history-path>/<context>/v-<seq>}, JSON: who, when, comment,
 * the full property set; the version's zxid is its czxid) and bumps the history node's data version, so two
 * concurrent publishes cannot both win. The history is in the tree, so it replicates like everything else.
 */
public final class ConfigStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final LocalZooKeeper zk;
    private final WebProperties props;

    private volatile long sessionId;

    private final WireAcls wireAcls;

    private final IntSupplier maxPacketSize;

    /** @param maxPacketSize the largest request the local server accepts (a publish is one multi request) */
    public ConfigStore(LocalZooKeeper zk, WebProperties props, WireAcls wireAcls, IntSupplier maxPacketSize) {
        this.wireAcls = wireAcls;
        this.maxPacketSize = maxPacketSize;
        this.zk = zk;
        this.props = props;
    }

    /** application and optional profile; {@code name()} is the znode name ("app" or "app,profile"). */
    public record Context(String application, String profile) {
        public static Context parse(String name) {
            if (name == null) {
                throw ApiException.badRequest("missing configuration context");
            }
            String[] parts = name.split(ContextName.SEPARATOR, -1);
            if (parts.length > 2 || !valid(parts[0]) || (parts.length == 2 && !valid(parts[1]))) {
                throw ApiException.badRequest("a configuration context is <application>[,<profile>] of letters, "
                        + "digits, '.', '_' and '-': '" + name + "'");
            }
            return new Context(parts[0], parts.length == 2 ? parts[1] : null);
        }

        private static boolean valid(String s) {
            return NAME.matcher(s).matches() && !s.equals(".") && !s.equals("..");
        }

        public String name() {
            return ContextName.of(application, profile);
        }
    }

    public record ConfigView(
            String context,
            String application,
            String profile,
            Map<String, String> properties,
            Integer version,
            String mzxid) {}

    /** One published version. {@code properties} only when a single version is read. */
    public record Version(
            int version,
            String zxid,
            String author,
            String timestamp,
            String comment,
            Integer rollbackOf,
            Integer propertyCount,
            Map<String, String> properties) {

        /** This version with other properties (null: listed without them). */
        public Version withProperties(Map<String, String> other) {
            return new Version(version, zxid, author, timestamp, comment, rollbackOf, propertyCount, other);
        }
    }

    /** What is stored in a history znode. */
    record Stored(
            String application,
            String profile,
            String author,
            String timestamp,
            String comment,
            Integer rollbackOf,
            Map<String, String> properties) {}

    public record Change(String from, String to) {}

    public record Diff(
            String context,
            Integer from,
            Integer to,
            Map<String, String> added,
            Map<String, String> removed,
            Map<String, Change> changed) {}

    public record ContextSummary(String context, String application, String profile, Integer version) {}

    /** The session publishes last used (the REST layer shares one), for the audit log; 0 before the first. */
    long sessionId() {
        return sessionId;
    }

    String configPath(Context c) {
        return props.getConfigPath() + "/" + c.name();
    }

    String historyPath(Context c) {
        return props.getHistoryPath() + "/" + c.name();
    }

    public List<ContextSummary> contexts() throws KeeperException, InterruptedException {
        ZooKeeper z = zk.get();
        List<String> names;
        try {
            names = new ArrayList<>(z.getChildren(props.getConfigPath(), false));
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
        names.sort(null);
        List<ContextSummary> out = new ArrayList<>();
        for (String n : names) {
            Context c;
            try {
                c = Context.parse(n);
            } catch (ApiException notAContext) {
                continue;
            }
            out.add(new ContextSummary(n, c.application(), c.profile(), latestVersion(z, c)));
        }
        return out;
    }

    // ---------------------------------------------------------------- reading (as the starter reads)

    public ConfigView read(Context c) throws KeeperException, InterruptedException {
        ZooKeeper z = zk.get();
        LatestChange nodes = new LatestChange(z);
        ContextReader.Content content;
        try {
            content = ContextReader.read(nodes, configPath(c), Map.of());
        } catch (KeeperException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // LatestChange throws nothing else
        }
        if (content == null) {
            throw new ApiException(HttpStatus.NOT_FOUND, "no configuration for " + c.name());
        }
        // a document that does not parse shows nothing: the starter applies nothing new from it either
        return new ConfigView(
                c.name(),
                c.application(),
                c.profile(),
                new TreeMap<>(content.values()),
                latestVersion(z, c),
                Znodes.hex(nodes.mzxid));
    }

    /** The context's stored properties (ciphertext, unmasked), or null when the context does not exist. */
    public Map<String, String> propertiesOrNull(Context c) throws KeeperException, InterruptedException {
        try {
            return read(c).properties();
        } catch (ApiException notFound) {
            return null;
        }
    }

    /** The context's nodes through the local client, noting the latest mzxid seen (the view's version). */
    private static final class LatestChange implements ConfigNodes {
        private final ZooKeeper z;
        long mzxid;

        LatestChange(ZooKeeper z) {
            this.z = z;
        }

        @Override
        public Node node(String path) throws KeeperException, InterruptedException {
            Stat stat = new Stat();
            try {
                byte[] data = z.getData(path, false, stat);
                mzxid = Math.max(mzxid, stat.getMzxid());
                return new Node(data, stat.getNumChildren());
            } catch (KeeperException.NoNodeException gone) {
                return null;
            }
        }

        @Override
        public List<String> children(String path) throws KeeperException, InterruptedException {
            try {
                return z.getChildren(path, false);
            } catch (KeeperException.NoNodeException e) {
                return null;
            }
        }
    }

    // ---------------------------------------------------------------- publishing

    /**
     * Makes {@code properties} the whole content of the context, atomically, and records the version.
     *
     * @param expectedVersion if not null, the latest published version the caller saw (409 if another came since)
     */
    public Version publish(
            Context c,
            Map<String, String> properties,
            String comment,
            String author,
            Integer expectedVersion,
            Integer rollbackOf)
            throws KeeperException, InterruptedException {
        return publish(c, properties, comment, author, expectedVersion, rollbackOf, List.of());
    }

    /**
     * {@link #publish(Context, Map, String, String, Integer, Integer)} with more operations in the same transaction
     * (a gray release's promotion removes the release as the new version lands): it fails as a whole if any does.
     */
    Version publish(
            Context c,
            Map<String, String> properties,
            String comment,
            String author,
            Integer expectedVersion,
            Integer rollbackOf,
            List<Op> alsoDo)
            throws KeeperException, InterruptedException {
        Map<String, String> next = new TreeMap<>();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            next.put(checkKey(e.getKey()), e.getValue() == null ? "" : e.getValue());
        }
        // before anything is written: each property lands twice (its znode and the history entry)
        long atLeast = 0;
        for (Map.Entry<String, String> e : next.entrySet()) {
            atLeast += 2L * (e.getKey().length() + e.getValue().getBytes(StandardCharsets.UTF_8).length);
        }
        refuseIfTooLarge(c, atLeast);
        ZooKeeper z = zk.get();
        sessionId = z.getSessionId();
        Id rest = zk.identityId();
        List<ACL> contextAcl = wireAcls.forContext(c, rest);
        List<ACL> historyAcl = wireAcls.forHistory(c, rest);
        ensure(z, props.getConfigPath(), wireAcls.forRoot(rest));
        ensure(z, configPath(c), contextAcl);
        ensure(z, props.getHistoryPath(), wireAcls.forRoot(rest));
        String hist = historyPath(c);
        ensure(z, hist, historyAcl);

        Stat histStat = z.exists(hist, false);
        if (histStat == null) {
            throw new KeeperException.NoNodeException(hist);
        }
        Integer latest = latestVersion(z, c);
        if (expectedVersion != null && !Objects.equals(expectedVersion, latest == null ? 0 : latest)) {
            throw new ApiException(
                    HttpStatus.CONFLICT,
                    "configuration " + c.name() + " is at version " + latest + ", not " + expectedVersion
                            + ": someone published meanwhile");
        }

        List<Op> ops = new ArrayList<>();
        String base = configPath(c);
        Stat ownStat = new Stat();
        byte[] own = z.getData(base, false, ownStat);
        if (own != null && own.length > 0) {
            ops.add(Op.setData(base, new byte[0], ownStat.getVersion()));
        } else {
            ops.add(Op.check(base, ownStat.getVersion()));
        }
        List<String> children = z.getChildren(base, false);
        List<String[]> deletes = new ArrayList<>(); // {path, version}, parents after children
        for (String child : children) {
            String path = base + "/" + child;
            Stat s = new Stat();
            byte[] data;
            try {
                data = z.getData(path, false, s);
            } catch (KeeperException.NoNodeException gone) {
                continue;
            }
            String wanted = next.get(child);
            boolean keepAsSingle = wanted != null && s.getNumChildren() == 0 && !DocumentFormat.isDocument(child);
            if (keepAsSingle) {
                String current = data == null ? "" : new String(data, StandardCharsets.UTF_8);
                if (current.equals(wanted)) {
                    ops.add(Op.check(path, s.getVersion()));
                } else {
                    ops.add(Op.setData(path, wanted.getBytes(StandardCharsets.UTF_8), s.getVersion()));
                }
            } else {
                collectDeletes(z, path, s.getVersion(), deletes);
            }
        }
        for (String[] d : deletes) {
            ops.add(Op.delete(d[0], Integer.parseInt(d[1])));
        }
        for (Map.Entry<String, String> e : next.entrySet()) {
            String path = base + "/" + e.getKey();
            boolean existsAsSingle =
                    ops.stream().anyMatch(o -> o.getPath().equals(path) && o.getType() != ZooDefs.OpCode.delete);
            if (!existsAsSingle) {
                ops.add(Op.create(
                        path, e.getValue().getBytes(StandardCharsets.UTF_8), contextAcl, CreateMode.PERSISTENT));
            }
        }
        ops.addAll(alsoDo);
        String when = Instant.now().toString();
        Stored stored = new Stored(
                c.application(), c.profile(), author, when, comment == null ? "" : comment, rollbackOf, next);
        byte[] entry = JSON.writeValueAsBytes(stored);
        if (entry.length > props.getMaxDataBytes()) {
            throw new ApiException(
                    HttpStatus.PAYLOAD_TOO_LARGE,
                    "configuration of " + entry.length + " bytes exceeds the limit of " + props.getMaxDataBytes()
                            + " bytes");
        }
        ops.add(Op.setData(
                hist, author == null ? new byte[0] : author.getBytes(StandardCharsets.UTF_8), histStat.getVersion()));
        ops.add(Op.create(hist + "/v-", entry, historyAcl, CreateMode.PERSISTENT_SEQUENTIAL));

        refuseIfTooLarge(c, requestSize(ops));
        List<OpResult> results;
        try {
            results = z.multi(ops);
        } catch (KeeperException.BadVersionException e) {
            throw new ApiException(
                    HttpStatus.CONFLICT,
                    "configuration " + c.name() + " changed while publishing (" + e.getPath()
                            + "); read it again and retry");
        }
        String created = ((OpResult.CreateResult) results.get(results.size() - 1)).getPath();
        Stat vs = z.exists(created, false);
        int version = sequence(created.substring(created.lastIndexOf('/') + 1));
        retain(z, hist);
        wireAcls.reconcileContext(z, c, rest); // nodes kept from before, or a context node created by a wire client
        return new Version(
                version,
                vs == null ? null : Znodes.hex(vs.getCzxid()),
                author,
                when,
                stored.comment(),
                rollbackOf,
                next.size(),
                next);
    }

    /** 413 when a publish's transaction of {@code size} bytes exceeds what the server accepts in one request. */
    private void refuseIfTooLarge(Context c, long size) {
        if (size > maxPacketSize.getAsInt()) {
            throw new ApiException(
                    HttpStatus.PAYLOAD_TOO_LARGE,
                    "publishing " + c.name() + " is one transaction of about " + size + " bytes (the properties and"
                            + " the history entry that holds them all), more than the server accepts in one request ("
                            + maxPacketSize.getAsInt() + " bytes, coordinator.max-packet-size): split it into"
                            + " several contexts or raise the limit on every member");
        }
    }

    /** The multi request's size on the wire: each op as the client serializes it, with its header. */
    private static long requestSize(List<Op> ops) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive out = BinaryOutputArchive.getArchive(bytes);
        try {
            for (Op op : ops) {
                op.toRequestRecord().serialize(out, "op");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // to memory: does not happen
        }
        return bytes.size() + 16L * (ops.size() + 2); // a header per op, the end marker, xid and type
    }

    private static void collectDeletes(ZooKeeper z, String path, int version, List<String[]> out)
            throws KeeperException, InterruptedException {
        for (String child : z.getChildren(path, false)) {
            Stat s = z.exists(path + "/" + child, false);
            if (s != null) {
                collectDeletes(z, path + "/" + child, s.getVersion(), out);
            }
        }
        out.add(new String[] {path, Integer.toString(version)});
    }

    static String checkKey(String key) {
        if (key == null
                || key.isEmpty()
                || key.contains("/")
                || key.equals(".")
                || key.equals("..")
                || DocumentFormat.isDocument(key)) {
            throw ApiException.badRequest("invalid property name '" + key + "'");
        }
        try {
            PathUtils.validatePath("/" + key);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid property name '" + key + "': " + e.getMessage());
        }
        return key;
    }

    static void ensure(ZooKeeper z, String path, List<ACL> acl) throws KeeperException, InterruptedException {
        if (z.exists(path, false) != null) {
            return;
        }
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            ensure(z, path.substring(0, slash), acl);
        }
        try {
            z.create(path, new byte[0], acl, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException raced) {
            // fine
        }
    }

    private void retain(ZooKeeper z, String hist) throws InterruptedException {
        try {
            List<String> versions = sortedVersions(z, hist);
            int excess = versions.size() - Math.max(1, props.getHistoryRetention());
            for (int i = 0; i < excess; i++) {
                try {
                    z.delete(hist + "/" + versions.get(i), -1);
                } catch (KeeperException.NoNodeException gone) {
                    // another server's REST layer trimmed it
                }
            }
        } catch (KeeperException e) {
            // retention is best effort; the next publish trims again
        }
    }

    // ---------------------------------------------------------------- history

    /** Versions count from 1 (the znode sequence from 0), so expectedVersion 0 means "none published yet". */
    static int sequence(String name) {
        return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1)) + 1;
    }

    private static List<String> sortedVersions(ZooKeeper z, String hist) throws KeeperException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (String n : z.getChildren(hist, false)) {
            if (n.startsWith("v-")) {
                names.add(n);
            }
        }
        names.sort(Comparator.comparingInt(ConfigStore::sequence));
        return names;
    }

    private Integer latestVersion(ZooKeeper z, Context c) throws KeeperException, InterruptedException {
        try {
            List<String> v = sortedVersions(z, historyPath(c));
            return v.isEmpty() ? null : sequence(v.get(v.size() - 1));
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    public List<Version> history(Context c) throws KeeperException, InterruptedException {
        ZooKeeper z = zk.get();
        List<String> names;
        try {
            names = sortedVersions(z, historyPath(c));
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
        List<Version> out = new ArrayList<>();
        for (int i = names.size() - 1; i >= 0; i--) {
            try {
                out.add(version(z, c, names.get(i)).withProperties(null));
            } catch (KeeperException.NoNodeException trimmed) {
                // removed by retention meanwhile
            }
        }
        return out;
    }

    public Version version(Context c, int version) throws KeeperException, InterruptedException {
        try {
            if (version < 1) {
                throw new KeeperException.NoNodeException();
            }
            return version(zk.get(), c, String.format("v-%010d", version - 1));
        } catch (KeeperException.NoNodeException e) {
            throw new ApiException(HttpStatus.NOT_FOUND, "configuration " + c.name() + " has no version " + version);
        }
    }

    private Version version(ZooKeeper z, Context c, String name) throws KeeperException, InterruptedException {
        Stat stat = new Stat();
        byte[] data = z.getData(historyPath(c) + "/" + name, false, stat);
        Stored s;
        try {
            s = JSON.readValue(data, Stored.class);
        } catch (RuntimeException e) {
            throw new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "history entry " + name + " is not readable");
        }
        Map<String, String> p = s.properties() == null ? Map.of() : new TreeMap<>(s.properties());
        return new Version(
                sequence(name),
                Znodes.hex(stat.getCzxid()),
                s.author(),
                s.timestamp(),
                s.comment(),
                s.rollbackOf(),
                p.size(),
                p);
    }

    /** From one version to another ({@code to} null: to the configuration as it is now). */
    public Diff diff(Context c, int from, Integer to) throws KeeperException, InterruptedException {
        Map<String, String> a = version(c, from).properties();
        Map<String, String> b =
                to == null ? read(c).properties() : version(c, to).properties();
        Diff d = diffOf(c.name(), a, b);
        return new Diff(d.context(), from, to, d.added(), d.removed(), d.changed());
    }

    /** What changes from property set {@code a} (null: none) to {@code b}. */
    public static Diff diffOf(String context, Map<String, String> a, Map<String, String> b) {
        if (a == null) {
            a = Map.of();
        }
        Map<String, String> added = new TreeMap<>();
        Map<String, String> removed = new TreeMap<>();
        Map<String, Change> changed = new TreeMap<>();
        for (Map.Entry<String, String> e : b.entrySet()) {
            if (!a.containsKey(e.getKey())) {
                added.put(e.getKey(), e.getValue());
            } else if (!Objects.equals(a.get(e.getKey()), e.getValue())) {
                changed.put(e.getKey(), new Change(a.get(e.getKey()), e.getValue()));
            }
        }
        for (Map.Entry<String, String> e : a.entrySet()) {
            if (!b.containsKey(e.getKey())) {
                removed.put(e.getKey(), e.getValue());
            }
        }
        return new Diff(context, null, null, added, removed, changed);
    }

    public Version rollback(Context c, int version, String comment, String author)
            throws KeeperException, InterruptedException {
        Version old = version(c, version);
        String text = comment == null || comment.isBlank() ? "rollback to version " + version : comment;
        return publish(c, old.properties(), text, author, null, version);
    }
}
