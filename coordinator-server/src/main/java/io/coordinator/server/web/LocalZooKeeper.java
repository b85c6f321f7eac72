package io.coordinator.server.web;

import io.coordinator.server.ops.ServerHandle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Id;
import org.springframework.context.SmartLifecycle;

/**
 * The REST layer's session with this server: an official ZooKeeper client on the local client port, so every
 * REST operation goes through the same pipeline, ACL checks, versions and replication as any other client.
 * Authenticated with the digest identity {@link #identity()}. Reconnects after expiry.
 */
public final class LocalZooKeeper implements SmartLifecycle {
    private static final long CLOSE_WAIT_MS = 2000;

    private final ServerHandle server;
    private final WebProperties props;
    private ZooKeeper zk;
    private final WireAcls wireAcls;
    private boolean adopted; // whether history ACLed to the former default identity was taken over
    private boolean reconciled; // whether the contexts' ACLs were brought to the current grants

    public LocalZooKeeper(ServerHandle server, WebProperties props, WireAcls wireAcls) {
        this.server = server;
        this.props = props;
        this.wireAcls = wireAcls;
    }

    /** The digest ACL id of {@link #identity()}. */
    public Id identityId() throws KeeperException.ConnectionLossException {
        return LegacyRestIdentity.digest(identity());
    }

    /**
     * The digest identity ({@code user:password}) of the REST layer: {@code coordinator.web.zk-identity} when set,
     * else {@code coordinator-web:<key>} with a key derived from the secret every member shares (generated per
     * data directory standalone, replicated in an ensemble), so it is the same on every member and guessable by
     * nobody. CONNECTIONLOSS while the server has no secret yet (an ensemble before its first leader).
     */
    public String identity() throws KeeperException.ConnectionLossException {
        if (configuredIdentity()) {
            return props.getZkIdentity();
        }
        String generated = generatedIdentity;
        if (generated == null) { // the shared secret is set once and never changes: derive once
            byte[] key = server.derivedKey(IDENTITY_PURPOSE);
            if (key == null) {
                throw new KeeperException.ConnectionLossException();
            }
            generated = GENERATED_USER + ":"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(key);
            generatedIdentity = generated;
        }
        return generated;
    }

    private volatile String generatedIdentity;

    private boolean configuredIdentity() {
        return props.getZkIdentity() != null && !props.getZkIdentity().isBlank();
    }

    static final String GENERATED_USER = "coordinator-web";
    private static final String IDENTITY_PURPOSE = "coordinator.web.zk-identity";

    /** The connected client; CONNECTIONLOSS (503) if the local server does not answer in time. */
    public synchronized ZooKeeper get() throws KeeperException, InterruptedException {
        if (zk != null && zk.getState().isAlive() && zk.getState().isConnected()) {
            return zk;
        }
        if (zk == null || !zk.getState().isAlive()) {
            closeQuietly();
            if (server.clientPortNumber() < 0 || !server.isServing()) {
                throw new KeeperException.ConnectionLossException();
            }
            String identity = awaitIdentity();
            ZKClientConfig config = new ZKClientConfig();
            config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
            CountDownLatch connected = new CountDownLatch(1);
            try {
                zk = new ZooKeeper(
                        server.clientHost() + ":" + server.clientPortNumber(),
                        30_000,
                        event -> {
                            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                                connected.countDown();
                            }
                        },
                        config);
            } catch (IOException e) {
                throw new KeeperException.ConnectionLossException();
            }
            zk.addAuthInfo("digest", identity.getBytes(StandardCharsets.UTF_8));
            connected.await(props.getRequestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } else {
            long deadline = System.nanoTime() + props.getRequestTimeout().toNanos();
            while (!zk.getState().isConnected() && System.nanoTime() < deadline) {
                wait(50);
            }
        }
        if (!zk.getState().isConnected()) {
            throw new KeeperException.ConnectionLossException();
        }
        if (!adopted && !configuredIdentity()) { // until it succeeds once
            LegacyRestIdentity.adopt(zk, props.getHistoryPath(), identity());
            adopted = true;
        }
        if (!reconciled) { // until it succeeds once; grants change only with a restart
            wireAcls.reconcile(zk, identityId());
            reconciled = true;
        }
        return zk;
    }

    /**
     * {@link #identity()}, waiting up to the request timeout for the ensemble's secret: a member serves (and says
     * so in {@code srvr}) a moment before the first leader's secret reaches it, and a REST request in that moment
     * should not fail.
     */
    private String awaitIdentity() throws KeeperException.ConnectionLossException, InterruptedException {
        long deadline = System.nanoTime() + props.getRequestTimeout().toNanos();
        while (true) {
            try {
                return identity();
            } catch (KeeperException.ConnectionLossException e) {
                if (System.nanoTime() >= deadline || !server.isServing()) {
                    throw e;
                }
                wait(50); // the secret arrives as a replicated txn; nothing to be notified by
            }
        }
    }

    /**
     * Ends the session, waiting at most {@value #CLOSE_WAIT_MS} ms: the client's close waits for the answer to its
     * closeSession with no limit, and a server that lost its leader holds that request until a leader is back (or
     * the connection's read timeout, 20 s by default), so a member stopping during an election would hang. Past the
     * wait the close goes on in the background; the stopping server closes the connection.
     */
    private void closeQuietly() {
        ZooKeeper closing = zk;
        zk = null;
        if (closing == null) {
            return;
        }
        Thread closer = new Thread(
                () -> {
                    try {
                        closing.close(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "local-zookeeper-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private volatile boolean running;

    @Override
    public void start() {
        running = true;
    }

    /** Closes the session before the server stops (this phase stops first). */
    @Override
    public synchronized void stop() {
        running = false;
        closeQuietly();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 998;
    }
}
