package io.coordinator.server.it;

import io.coordinator.server.app.TestClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Starts one server of the subclass's kind for the whole class; tests use unique paths. Subclasses are
 * {@code ...OnZooKeeperTest} (the reference) and {@code ...OnCoordinatorTest} (ours).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
abstract class ServerTestBase {
    static final int SESSION_TIMEOUT = 30_000;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    protected ServerUnderTest server;
    private Path dir;

    protected abstract Servers.Kind kind();

    /** Whether this class's server sweeps containers and TTL nodes quickly (see {@link Servers}). */
    protected boolean fastReaping() {
        return false;
    }

    @BeforeAll
    void startServer() throws Exception {
        dir = Files.createTempDirectory("it-" + kind().name().toLowerCase() + "-");
        server = Servers.start(kind(), dir, fastReaping());
    }

    @AfterAll
    void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    protected int port() {
        return server.port();
    }

    protected String cs() {
        return server.connectString();
    }

    /**
     * Before {@code z} reads a write another session made, possibly through another member of an ensemble:
     * reads there are sequentially consistent, so {@code sync} first (as a ZooKeeper client must). Nothing
     * on a single server, where every session reads the one tree.
     */
    protected void catchUp(ZooKeeper z, String path) throws Exception {
        if (!server.isEnsemble()) {
            return;
        }
        CompletableFuture<Integer> done = new CompletableFuture<>();
        z.sync(path, (rc, p, ctx) -> done.complete(rc), null);
        int rc = done.get(30, TimeUnit.SECONDS);
        if (rc != 0) {
            throw org.apache.zookeeper.KeeperException.create(org.apache.zookeeper.KeeperException.Code.get(rc), path);
        }
    }

    /** A path unique in this JVM run. */
    protected static String unique(String name) {
        return "/" + name + "-" + COUNTER.incrementAndGet();
    }

    /** An official client, connected (waits for SyncConnected). */
    protected ZooKeeper zk() throws Exception {
        return zk(SESSION_TIMEOUT, e -> {});
    }

    /**
     * An official client connected only to {@link #port()}: for tests about that one server's view (its
     * connections, watches, four-letter words) or that read another session's write made through port().
     * The same as {@link #zk()} for a single server.
     */
    protected ZooKeeper zkHere() throws Exception {
        return zk("127.0.0.1:" + port(), SESSION_TIMEOUT, e -> {});
    }

    protected ZooKeeper zk(int timeout, Watcher also) throws Exception {
        return zk(cs(), timeout, also);
    }

    protected ZooKeeper zk(String connectString, int timeout, Watcher also) throws Exception {
        return TestClients.connect(connectString, timeout, also);
    }
}
