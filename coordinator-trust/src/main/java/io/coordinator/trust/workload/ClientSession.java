package io.coordinator.trust.workload;

import io.coordinator.trust.history.History;
import io.coordinator.trust.history.ReplyOrderError;
import io.coordinator.trust.history.WatchEvent;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.ReplyOrderSocket;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZxidClient;

/**
 * One session of one client: the official client plus the watcher that records every event. Replies and
 * events draw their sequence numbers from one counter on the client's event thread.
 */
final class ClientSession implements Watcher {
    final int client;
    private final History history;
    private final AtomicLong seq = new AtomicLong();
    final ZxidClient zk;
    private volatile int connection;
    private volatile boolean expired;
    private final CountDownLatch connected = new CountDownLatch(1);

    ClientSession(int client, String connectString, int sessionTimeoutMs, History history) throws IOException {
        this.client = client;
        this.history = history;
        // the client drops a connection whose replies break request order; the history learns why
        this.zk = new ZxidClient(
                connectString,
                sessionTimeoutMs,
                this,
                seq::incrementAndGet,
                new ReplyOrderSocket.Config(message ->
                        history.add(new ReplyOrderError(client, sessionIdOrZero(), System.nanoTime(), message))));
    }

    private long sessionIdOrZero() {
        ZxidClient z = zk;
        return z == null ? 0 : z.getSessionId();
    }

    long sessionId() {
        return zk.getSessionId();
    }

    /** Waits (bounded) for the first connection, so a new session's first op is not lost to the handshake. */
    void awaitConnected(long ms) throws InterruptedException {
        connected.await(ms, TimeUnit.MILLISECONDS);
    }

    boolean expired() {
        return expired;
    }

    @Override
    public void process(WatchedEvent e) {
        long s = seq.incrementAndGet();
        if (e.getType() == Event.EventType.None) {
            if (e.getState() == Event.KeeperState.SyncConnected) {
                connection++;
                connected.countDown();
            } else if (e.getState() == Event.KeeperState.Expired) {
                expired = true;
            }
        }
        ZxidClient z = zk;
        history.add(new WatchEvent(
                client,
                z == null ? 0 : z.getSessionId(),
                connection,
                s,
                System.nanoTime(),
                e.getType().name(),
                e.getState().name(),
                e.getPath(),
                e.getZxid()));
    }

    /** Gives up on the session (a request never came back): its later events are not checked. */
    void abandon() {
        history.add(new WatchEvent(
                client,
                sessionId(),
                connection,
                seq.incrementAndGet(),
                System.nanoTime(),
                "None",
                "Abandoned",
                null,
                0));
        closeInBackground();
    }

    /** Closes without waiting: closing can block for a request timeout while the ensemble is down. */
    void closeInBackground() {
        Thread t = new Thread(
                () -> {
                    try {
                        zk.close();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "close-session-c" + client);
        t.setDaemon(true);
        t.start();
    }

    /** Makes the client vanish without closing its session, as a crashed process would. */
    void crash() {
        zk.getTestable().injectSessionExpiration();
    }
}
