package io.coordinator.spring.leader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Leader election per group. This instance leads a group only while its latch says so <em>and</em> the
 * connection is neither SUSPENDED nor LOST; after a reconnection the latch re-checks its node before leadership
 * comes back (same session: same node, same fencing token; new session: a new node at the back of the queue).
 */
public class Leadership implements DisposableBean {
    private static final Log log = LogFactory.getLog(Leadership.class);

    private final CuratorFramework client;
    private final String root;
    private final String instanceId;
    private final ApplicationEventPublisher publisher;
    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    private volatile boolean closing;

    public Leadership(CuratorFramework client, String root, String instanceId, ApplicationEventPublisher publisher) {
        this.client = client;
        this.root = root;
        this.instanceId = instanceId;
        this.publisher = publisher;
        client.getConnectionStateListenable().addListener((c, state) -> {
            if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
                groups.values().forEach(g -> g.lose("connection " + state));
            }
        });
    }

    /** Joins the group's election (idempotent). */
    public void join(String group) {
        if (closing) {
            return;
        }
        groups.computeIfAbsent(group, this::newGroup);
    }

    private Group newGroup(String group) {
        Group g = new Group(group);
        try {
            g.latch.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not join leader group " + group, e);
        }
        return g;
    }

    /** True while this instance leads the group (joins it if needed). */
    public boolean isLeader(String group) {
        join(group);
        Group g = groups.get(group);
        return g != null && g.leader && client.getZookeeperClient().isConnected();
    }

    /** Fencing token of this instance's leadership of the group (its latch node's czxid), or 0 when not leader. */
    public long fencingToken(String group) {
        Group g = groups.get(group);
        return g != null && g.leader ? g.token.get() : 0;
    }

    /**
     * Path of this instance's latch node while it leads the group, else null. Writes that must not happen after
     * leadership is lost can be fenced on the server: put {@code check().forPath(path)} in the same transaction
     * (the node disappears with the session that held the leadership).
     */
    public String leaderNodePath(String group) {
        Group g = groups.get(group);
        return g != null && g.leader ? g.latch.getOurPath() : null;
    }

    /** The instance id leading the group as the server sees it now, or null if none. Works for any group. */
    public String leaderOf(String group) {
        String path = ZKPaths.makePath(root, group);
        try {
            List<String> children = new ArrayList<>(client.getChildren().forPath(path));
            children.removeIf(c -> !c.contains("latch-"));
            children.sort(Comparator.comparing(c -> c.substring(c.lastIndexOf("latch-"))));
            for (String c : children) {
                try {
                    return new String(client.getData().forPath(ZKPaths.makePath(path, c)));
                } catch (KeeperException.NoNodeException gone) {
                    // next in line
                }
            }
            return null;
        } catch (KeeperException.NoNodeException e) {
            return null;
        } catch (Exception e) {
            throw new IllegalStateException("could not read the leader of " + group, e);
        }
    }

    public List<String> groups() {
        return new ArrayList<>(groups.keySet());
    }

    /** Status for the actuator endpoint. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        groups.forEach((name, g) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("leader", g.leader);
            m.put("fencingToken", g.leader ? g.token.get() : 0);
            try {
                m.put("currentLeader", leaderOf(name));
            } catch (RuntimeException e) {
                m.put("currentLeader", "unknown: " + e.getMessage());
            }
            out.put(name, m);
        });
        return out;
    }

    @Override
    public void destroy() {
        closing = true;
        for (Group g : groups.values()) {
            try {
                g.latch.close(LeaderLatch.CloseMode.SILENT);
            } catch (IOException | RuntimeException e) {
                log.debug("closing latch " + g.name, e);
            }
            g.leader = false;
        }
    }

    private final class Group implements LeaderLatchListener {
        final String name;
        final LeaderLatch latch;
        final AtomicLong token = new AtomicLong();
        volatile boolean leader;

        Group(String name) {
            this.name = name;
            this.latch = new LeaderLatch(client, ZKPaths.makePath(root, name), instanceId);
            this.latch.addListener(this);
        }

        @Override
        public void isLeader() {
            long czxid = 0;
            try {
                String ours = latch.getOurPath();
                Stat stat = ours == null ? null : client.checkExists().forPath(ours);
                if (stat == null || !latch.hasLeadership()) {
                    return; // the latch moved on meanwhile; it will call again
                }
                czxid = stat.getCzxid();
            } catch (Exception e) {
                log.warn("Could not confirm leadership of " + name + ": " + e.getMessage());
                return;
            }
            synchronized (this) {
                token.set(czxid);
                leader = true;
            }
            log.info(instanceId + " leads " + name + " (fencing token " + czxid + ")");
            publish(true, czxid, "elected");
        }

        @Override
        public void notLeader() {
            lose("latch released");
        }

        void lose(String reason) {
            boolean was;
            synchronized (this) {
                was = leader;
                leader = false;
            }
            if (was) {
                log.info(instanceId + " no longer leads " + name + ": " + reason);
                publish(false, 0, reason);
            }
        }

        private void publish(boolean isLeader, long tokenValue, String reason) {
            if (!closing && publisher != null) {
                try {
                    publisher.publishEvent(
                            new LeadershipChangedEvent(Leadership.this, name, isLeader, tokenValue, reason));
                } catch (RuntimeException e) {
                    log.debug("leadership event not published", e);
                }
            }
        }
    }
}
