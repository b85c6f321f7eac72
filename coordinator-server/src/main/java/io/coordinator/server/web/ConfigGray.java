package io.coordinator.server.web;

import io.coordinator.config.format.gray.GrayRelease;
import io.coordinator.config.format.gray.GraySelector;
import io.coordinator.config.format.gray.InstanceFacts;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gray (canary) releases of configuration contexts. A release is one znode, {@code /coordinator/gray/<context>}
 * ({@link GrayRelease}: who it selects and what it changes), which the starter of every instance reading the context
 * watches; an instance it selects runs the main values with the change applied. Start, update, promote and abort are
 * each one transaction that also appends an event ({@code <history>/<context>/g-<seq>}, JSON) beside the context's
 * versions; promote publishes the changed values as the new main version and removes the release in the same
 * transaction, so no instance can see the release gone and main not yet changed. The release is in the tree, so it
 * replicates, survives a leader's death, and a restarted instance reads it again.
 */
public final class ConfigGray {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LocalZooKeeper zk;
    private final ConfigStore store;
    private final WireAcls wireAcls;
    private final WebProperties props;

    public ConfigGray(LocalZooKeeper zk, ConfigStore store, WireAcls wireAcls, WebProperties props) {
        this.zk = zk;
        this.store = store;
        this.wireAcls = wireAcls;
        this.props = props;
    }

    /** One entry of a context's gray history: the release as it was, who acted and why. */
    public record Event(
            String action,
            String release,
            String author,
            String timestamp,
            String comment,
            GraySelector selector,
            Map<String, String> set,
            List<String> remove,
            Integer baseVersion) {}

    /** Where an instance reading the context stands: selected by the release, and what it reports to run. */
    public record Instance(
            String service, String instance, String address, String zone, boolean selected, String runs, String zxid) {}

    /** A running release as answered: the release, its difference from main now, and the instances. */
    public record State(
            String release,
            String context,
            Integer baseVersion,
            String author,
            String timestamp,
            String comment,
            GraySelector selector,
            Map<String, String> set,
            List<String> remove,
            ConfigStore.Diff diff,
            List<Instance> instances) {}

    /** The running release of {@code c}, or null. */
    public GrayRelease release(ConfigStore.Context c) throws KeeperException, InterruptedException {
        Stat stat = new Stat();
        byte[] data = readOrNull(zk.get(), c, stat);
        return data == null ? null : decode(c, data);
    }

    /** Starts a release: 409 when one runs (update it instead). */
    public GrayRelease start(
            ConfigStore.Context c, Map<String, String> desired, GraySelector selector, String comment, String author)
            throws KeeperException, InterruptedException {
        ZooKeeper z = zk.get();
        ConfigStore.ConfigView main = mainView(c);
        GrayRelease r = release(c, newId(), main.version(), desired, main.properties(), selector, comment, author);
        Id rest = zk.identityId();
        ConfigStore.ensure(z, GrayRelease.ROOT, wireAcls.forRoot(rest));
        ConfigStore.ensure(z, store.historyPath(c), wireAcls.forHistory(c, rest));
        List<ACL> acl = wireAcls.forHistory(c, rest); // read by the context's readers, written here alone
        try {
            z.multi(List.of(
                    Op.create(GrayRelease.path(c.name()), r.encode(), acl, CreateMode.PERSISTENT),
                    eventOp(c, acl, "start", r, author, comment)));
        } catch (KeeperException.NodeExistsException e) {
            throw new ApiException(
                    HttpStatus.CONFLICT,
                    "a gray release of " + c.name() + " is running: update it (PUT), promote or abort it first");
        }
        trim(z, c);
        return r;
    }

    /** Changes the running release's values or selector; it keeps its id, so a percentage only grows its subset. */
    public GrayRelease update(
            ConfigStore.Context c, Map<String, String> desired, GraySelector selector, String comment, String author)
            throws KeeperException, InterruptedException {
        ZooKeeper z = zk.get();
        Stat stat = new Stat();
        GrayRelease running = running(z, c, stat);
        GrayRelease r =
                release(c, running.release(), running.baseVersion(), desired, mainOf(c), selector, comment, author);
        List<ACL> acl = wireAcls.forHistory(c, zk.identityId());
        try {
            z.multi(List.of(
                    Op.setData(GrayRelease.path(c.name()), r.encode(), stat.getVersion()),
                    eventOp(c, acl, "update", r, author, comment)));
        } catch (KeeperException.BadVersionException e) {
            throw changedMeanwhile(c);
        }
        trim(z, c);
        return r;
    }

    /** Publishes main with the release's change as the new version and ends the release, in one transaction. */
    public ConfigStore.Version promote(ConfigStore.Context c, String comment, String author)
            throws KeeperException, InterruptedException {
        ZooKeeper z = zk.get();
        Stat stat = new Stat();
        GrayRelease running = running(z, c, stat);
        List<ACL> acl = wireAcls.forHistory(c, zk.identityId());
        ConfigStore.ConfigView main = mainView(c);
        String text = "promote gray release " + running.release()
                + (comment == null || comment.isBlank() ? "" : ": " + comment);
        ConfigStore.Version v;
        try {
            v = store.publish(
                    c,
                    running.applyTo(main.properties()),
                    text,
                    author,
                    main.version() == null ? 0 : main.version(),
                    null,
                    List.of(
                            Op.delete(GrayRelease.path(c.name()), stat.getVersion()),
                            eventOp(c, acl, "promote", running, author, comment)));
        } catch (KeeperException.NoNodeException e) {
            throw changedMeanwhile(c);
        }
        trim(z, c);
        return v;
    }

    /** Ends the release: every instance goes back to main. */
    public GrayRelease abort(ConfigStore.Context c, String comment, String author)
            throws KeeperException, InterruptedException {
        ZooKeeper z = zk.get();
        Stat stat = new Stat();
        GrayRelease running = running(z, c, stat);
        List<ACL> acl = wireAcls.forHistory(c, zk.identityId());
        try {
            z.multi(List.of(
                    Op.delete(GrayRelease.path(c.name()), stat.getVersion()),
                    eventOp(c, acl, "abort", running, author, comment)));
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            throw changedMeanwhile(c);
        }
        trim(z, c);
        return running;
    }

    /** The running release with its difference from main and every instance reading the context; 404 when none. */
    public State state(ConfigStore.Context c, Access access) throws KeeperException, InterruptedException {
        ZooKeeper z = zk.get();
        GrayRelease r = running(z, c, new Stat());
        Map<String, String> main = mainOf(c);
        ConfigStore.Diff diff = ConfigStore.diffOf(c.name(), main, r.applyTo(main));
        return new State(
                r.release(),
                r.context(),
                r.baseVersion(),
                r.author(),
                r.timestamp(),
                r.comment(),
                r.selector(),
                r.set(),
                r.remove(),
                diff,
                instances(z, c, r, access));
    }

    /** The context's gray history, newest first. */
    public List<Event> events(ConfigStore.Context c) throws KeeperException, InterruptedException {
        ZooKeeper z = zk.get();
        List<Event> out = new ArrayList<>();
        List<String> names;
        try {
            names = eventNames(z, c);
        } catch (KeeperException.NoNodeException none) {
            return out;
        }
        for (int i = names.size() - 1; i >= 0; i--) {
            try {
                out.add(JSON.readValue(z.getData(store.historyPath(c) + "/" + names.get(i), false, null), Event.class));
            } catch (KeeperException.NoNodeException trimmed) {
                // removed by retention meanwhile
            } catch (RuntimeException unreadable) {
                throw new ApiException(
                        HttpStatus.INTERNAL_SERVER_ERROR, "gray history entry " + names.get(i) + " is not readable");
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- parts

    private GrayRelease release(
            ConfigStore.Context c,
            String id,
            Integer baseVersion,
            Map<String, String> desired,
            Map<String, String> main,
            GraySelector selector,
            String comment,
            String author) {
        if (selector == null || selector.isEmpty()) {
            throw ApiException.badRequest("a gray release needs a selector: instances, addresses, zones, services,"
                    + " labels and/or percent (a change for every instance is a publish)");
        }
        Map<String, String> set = new TreeMap<>();
        List<String> remove = new ArrayList<>();
        desired.forEach((k, v) -> {
            String value = v == null ? "" : v;
            if (!value.equals(main.get(ConfigStore.checkKey(k)))) {
                set.put(k, value);
            }
        });
        main.keySet().stream().filter(k -> !desired.containsKey(k)).sorted().forEach(remove::add);
        if (set.isEmpty() && remove.isEmpty()) {
            throw ApiException.badRequest("the gray version of " + c.name() + " is the same as its main version");
        }
        GrayRelease r = new GrayRelease(
                id,
                c.name(),
                baseVersion,
                author,
                Instant.now().toString(),
                comment == null ? "" : comment,
                selector,
                set,
                remove);
        if (r.encode().length > props.getMaxDataBytes()) {
            throw new ApiException(
                    HttpStatus.PAYLOAD_TOO_LARGE,
                    "the gray release of " + c.name() + " is " + r.encode().length + " bytes, more than the limit of "
                            + props.getMaxDataBytes() + " bytes");
        }
        return r;
    }

    private Map<String, String> mainOf(ConfigStore.Context c) throws KeeperException, InterruptedException {
        return mainView(c).properties();
    }

    /** The context's main values and latest version, in one read; 404 when there is no context. */
    private ConfigStore.ConfigView mainView(ConfigStore.Context c) throws KeeperException, InterruptedException {
        try {
            return store.read(c);
        } catch (ApiException notFound) {
            throw new ApiException(
                    HttpStatus.NOT_FOUND,
                    "no configuration for " + c.name() + ": publish its main version before a gray release");
        }
    }

    private static String newId() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static byte[] readOrNull(ZooKeeper z, ConfigStore.Context c, Stat stat)
            throws KeeperException, InterruptedException {
        try {
            return z.getData(GrayRelease.path(c.name()), false, stat);
        } catch (KeeperException.NoNodeException none) {
            return null;
        }
    }

    private static GrayRelease running(ZooKeeper z, ConfigStore.Context c, Stat stat)
            throws KeeperException, InterruptedException {
        byte[] data = readOrNull(z, c, stat);
        if (data == null) {
            throw new ApiException(HttpStatus.NOT_FOUND, "no gray release of " + c.name() + " is running");
        }
        return decode(c, data);
    }

    private static GrayRelease decode(ConfigStore.Context c, byte[] data) {
        try {
            return GrayRelease.decode(data);
        } catch (IllegalArgumentException e) {
            throw new ApiException(
                    HttpStatus.INTERNAL_SERVER_ERROR,
                    GrayRelease.path(c.name()) + " is not a gray release (" + e.getMessage()
                            + "): abort it or delete the znode");
        }
    }

    private static ApiException changedMeanwhile(ConfigStore.Context c) {
        return new ApiException(
                HttpStatus.CONFLICT,
                "the gray release of " + c.name() + " changed meanwhile (updated, promoted or aborted): read it again");
    }

    private Op eventOp(
            ConfigStore.Context c, List<ACL> acl, String action, GrayRelease r, String author, String comment) {
        Event e = new Event(
                action,
                r.release(),
                author,
                Instant.now().toString(),
                comment == null ? "" : comment,
                r.selector(),
                r.set(),
                r.remove(),
                r.baseVersion());
        return Op.create(
                store.historyPath(c) + "/g-", JSON.writeValueAsBytes(e), acl, CreateMode.PERSISTENT_SEQUENTIAL);
    }

    private List<String> eventNames(ZooKeeper z, ConfigStore.Context c) throws KeeperException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (String n : z.getChildren(store.historyPath(c), false)) {
            if (n.startsWith("g-")) {
                names.add(n);
            }
        }
        names.sort(Comparator.comparingInt(ConfigStore::sequence));
        return names;
    }

    /** Keeps as many gray events as versions are kept (best effort, as the versions' retention). */
    private void trim(ZooKeeper z, ConfigStore.Context c) throws InterruptedException {
        try {
            List<String> names = eventNames(z, c);
            for (int i = 0; i < names.size() - Math.max(1, props.getHistoryRetention()); i++) {
                try {
                    z.delete(store.historyPath(c) + "/" + names.get(i), -1);
                } catch (KeeperException.NoNodeException gone) {
                    // trimmed by another member's REST layer
                }
            }
        } catch (KeeperException e) {
            // the next change trims again
        }
    }

    /**
     * Every registered instance that reads the context (its metadata names the version it runs), whether the release
     * selects it (the starter's own rule, on what its registration says) and what it reports to run.
     */
    private List<Instance> instances(ZooKeeper z, ConfigStore.Context c, GrayRelease r, Access access)
            throws KeeperException, InterruptedException {
        List<Instance> out = new ArrayList<>();
        for (ConfigListeners.Registration reg : ConfigListeners.registrations(z, props.getServicesPath(), access)) {
            JsonNode meta = reg.json().path("payload").path("metadata");
            String zxid = meta.path(ConfigListeners.PREFIX + c.name()).asString(null);
            if (zxid == null) {
                continue; // does not read this context
            }
            Map<String, String> metadata = new TreeMap<>();
            meta.properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asString("")));
            String host = reg.json().path("address").asString(null);
            int port = reg.json().path("port").asInt(0);
            String zone = metadata.get("zone");
            boolean selected = r.selects(new InstanceFacts(reg.service(), reg.id(), host, port, zone, metadata));
            String reported = metadata.get(GRAY_PREFIX + c.name());
            String runs = reported == null ? "main" : reported.equals(r.release()) ? "gray" : "unknown";
            out.add(new Instance(
                    reg.service(), reg.id(), host + (port > 0 ? ":" + port : ""), zone, selected, runs, zxid));
        }
        return out;
    }

    /** Registration metadata {@code gray.<context>} = the release an instance runs (the starter writes it). */
    static final String GRAY_PREFIX = "gray.";
}
