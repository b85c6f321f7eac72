package io.coordinator.server.web;

import io.coordinator.server.ops.PeriodicTask;
import io.coordinator.server.ops.ServerHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where each member's REST API answers, so the member a console talks to can ask the others for their metrics
 * history: every member of an ensemble keeps {@code /coordinator/members/<id>} = {@code {"url": ...}} (its quorum
 * host and its HTTP port, which the ensemble setting does not hold), readable by everyone and written by the REST
 * identity alone. Checked every few seconds, so a restart on another port is announced. Standalone: nothing.
 */
public final class MemberDirectory extends PeriodicTask implements ApplicationListener<WebServerInitializedEvent> {
    private static final Logger log = LoggerFactory.getLogger(MemberDirectory.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String ROOT = "/coordinator/members";

    private final ServerHandle server;
    private final LocalZooKeeper zk;
    private final WireAcls wireAcls;
    private final Environment environment;
    private volatile String url;

    public MemberDirectory(ServerHandle server, LocalZooKeeper zk, WireAcls wireAcls, Environment environment) {
        // after the REST layer's session, which stops after this
        super("coordinator-member-directory", Duration.ofSeconds(1), Duration.ofSeconds(5), Integer.MAX_VALUE - 997);
        this.server = server;
        this.zk = zk;
        this.wireAcls = wireAcls;
        this.environment = environment;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        ServerHandle.Member self = server.self();
        if (self == null || event.getApplicationContext().getServerNamespace() != null) {
            return; // standalone, or the management port's server
        }
        boolean tls = environment.getProperty(
                "server.ssl.enabled",
                Boolean.class,
                environment.containsProperty("server.ssl.bundle")
                        || environment.containsProperty("server.ssl.key-store")
                        || environment.containsProperty("server.ssl.certificate"));
        url = (tls ? "https://" : "http://") + self.host() + ":"
                + event.getWebServer().getPort();
    }

    /** This member's REST address, null before the web server started (or standalone). */
    public String url() {
        return url;
    }

    /**
     * The announced REST address of every member, by id (members that never announced are missing). While the tree
     * cannot be read here (an election), the addresses read last.
     */
    public Map<Integer, String> urls() throws InterruptedException {
        Map<Integer, String> out = new TreeMap<>();
        try {
            ZooKeeper z = zk.get();
            for (String child : z.getChildren(ROOT, false)) {
                try {
                    JsonNode node = JSON.readTree(z.getData(ROOT + "/" + child, false, null));
                    out.put(Integer.parseInt(child), node.path("url").asString());
                } catch (KeeperException.NoNodeException | NumberFormatException gone) {
                    // removed meanwhile, or not a member's node
                } catch (RuntimeException notJson) {
                    // not written by a member: ignored
                }
            }
        } catch (KeeperException.NoNodeException none) {
            // no member announced yet
        } catch (KeeperException e) {
            return known;
        }
        known = Map.copyOf(out);
        return out;
    }

    private volatile Map<Integer, String> known = Map.of();

    /** Writes this member's address unless the tree already holds it. */
    void announce() throws KeeperException, InterruptedException {
        String mine = url;
        ServerHandle.Member self = server.self();
        if (mine == null || self == null || !server.isServing()) {
            return;
        }
        byte[] data = JSON.writeValueAsBytes(Map.of("url", mine));
        String path = ROOT + "/" + self.id();
        ZooKeeper z = zk.get();
        try {
            byte[] held = z.getData(path, false, null);
            if (!new String(held, StandardCharsets.UTF_8).equals(new String(data, StandardCharsets.UTF_8))) {
                z.setData(path, data, -1);
            }
        } catch (KeeperException.NoNodeException absent) {
            for (String parent : new String[] {"/coordinator", ROOT}) {
                try {
                    z.create(parent, new byte[0], wireAcls.forRoot(zk.identityId()), CreateMode.PERSISTENT);
                } catch (KeeperException.NodeExistsException there) {
                    // created before, or by another member meanwhile
                }
            }
            z.create(path, data, wireAcls.forRoot(zk.identityId()), CreateMode.PERSISTENT);
        }
    }

    @Override
    protected void runOnce() {
        try {
            announce();
        } catch (KeeperException e) {
            log.debug("Cannot announce this member's REST address yet: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Cannot announce this member's REST address", e);
        }
    }

    @Override
    protected boolean starting() {
        return server.self() != null; // standalone: no one to ask
    }
}
