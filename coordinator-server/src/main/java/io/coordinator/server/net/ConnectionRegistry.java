package io.coordinator.server.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The open client connections (for cons, stat, mntr) and how many each IP holds (for the per-IP limit).
 * Thread-safe; connections are listed in the order they were admitted.
 */
public final class ConnectionRegistry {
    private final Set<NettyClientConnection> connections = new LinkedHashSet<>();
    private final Map<String, Integer> perIp = new HashMap<>();

    /**
     * Admits a connection unless its IP already holds {@code maxPerIp} connections (0 = unlimited).
     *
     * @return false when refused (the caller closes it)
     */
    public synchronized boolean admit(NettyClientConnection connection, String ip, int maxPerIp) {
        int held = perIp.getOrDefault(ip, 0);
        if (maxPerIp > 0 && held >= maxPerIp) {
            return false;
        }
        if (connections.add(connection)) {
            perIp.put(ip, held + 1);
        }
        return true;
    }

    /** Forgets a connection admitted with {@code ip}; a no-op for one never admitted. */
    public synchronized void remove(NettyClientConnection connection, String ip) {
        if (connections.remove(connection)) {
            perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    public synchronized List<NettyClientConnection> connections() {
        return new ArrayList<>(connections);
    }

    public synchronized int size() {
        return connections.size();
    }

    public synchronized int connectionsFrom(String ip) {
        return perIp.getOrDefault(ip, 0);
    }
}
