package io.coordinator.spring.autoconfigure;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;

/** Tracks the client's connection state as Curator reports it (for health and for the recipes). */
public class CoordinatorConnection implements ConnectionStateListener {
    private final CuratorFramework client;
    private final AtomicReference<ConnectionState> state = new AtomicReference<>();
    private final AtomicLong sessionsLost = new AtomicLong();
    private volatile boolean everConnected;

    public CoordinatorConnection(CuratorFramework client) {
        this.client = client;
        client.getConnectionStateListenable().addListener(this);
        if (client.getZookeeperClient().isConnected()) {
            everConnected = true;
            state.compareAndSet(null, ConnectionState.CONNECTED);
        }
    }

    @Override
    public void stateChanged(CuratorFramework c, ConnectionState newState) {
        if (newState.isConnected()) {
            everConnected = true;
        } else if (!everConnected) {
            // Curator reports a failed first connection attempt as SUSPENDED (and later LOST): no session
            // existed, so nothing was suspended or lost; the state stays "never connected".
            return;
        }
        state.set(newState);
        if (newState == ConnectionState.LOST) {
            sessionsLost.incrementAndGet();
        }
    }

    /** The last state reported, or null before the first connection. */
    public ConnectionState state() {
        ConnectionState s = state.get();
        if (s == null && client.getZookeeperClient().isConnected()) {
            everConnected = true;
            return ConnectionState.CONNECTED;
        }
        return s;
    }

    public boolean isConnected() {
        ConnectionState s = state();
        return s != null && s.isConnected();
    }

    public long sessionsLost() {
        return sessionsLost.get();
    }

    /** Current session id (hex), or null when not connected. */
    public String sessionId() {
        try {
            long id = client.getZookeeperClient().getZooKeeper().getSessionId();
            return id == 0 ? null : "0x" + Long.toHexString(id);
        } catch (Exception e) {
            return null;
        }
    }

    public String connectString() {
        return client.getZookeeperClient().getCurrentConnectionString();
    }
}
