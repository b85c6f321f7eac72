package io.coordinator.spring.test;

import io.coordinator.testsupport.CoordinatorLauncher;
import io.coordinator.testsupport.LoopbackPorts;
import io.coordinator.testsupport.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooKeeper;

/**
 * A real Coordinator server: the executable coordinator-server jar started as a separate JVM on a loopback
 * client port, with a temporary data directory. Tick time 500 ms, so session timeouts from 1 s to 10 s are
 * granted. The process mechanism is the shared {@link ServerProcess}; the settings here are the starter's.
 */
public final class CoordinatorServerProcess implements AutoCloseable {
    public static final int TICK_MS = 500;

    private final ServerProcess process;
    private final int port;

    private CoordinatorServerProcess(ServerProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    public static CoordinatorServerProcess start() throws Exception {
        return start(false, List.of());
    }

    /** A server with {@code settings} on top of these (a {@code --server.port=} of theirs replaces the default 0). */
    public static CoordinatorServerProcess start(List<String> settings) throws Exception {
        return start(false, settings);
    }

    /**
     * A server whose only client port is TLS (no plain port), with the key store of an SSL bundle named "server"
     * (PKCS12, given password): what a team that secures its servers runs.
     */
    public static CoordinatorServerProcess startTlsOnly(Path keyStore, String password) throws Exception {
        return start(
                true,
                List.of(
                        "--coordinator.ssl.client-bundle=server",
                        "--spring.ssl.bundle.jks.server.keystore.location=file:" + keyStore,
                        "--spring.ssl.bundle.jks.server.keystore.password=" + password,
                        "--spring.ssl.bundle.jks.server.keystore.type=PKCS12"));
    }

    /** A server whose only client port is TLS, set up by {@code settings} (its coordinator.ssl.* and SSL bundle). */
    public static CoordinatorServerProcess startTlsOnly(List<String> settings) throws Exception {
        return start(true, settings);
    }

    private static CoordinatorServerProcess start(boolean tlsOnly, List<String> extra) throws Exception {
        CoordinatorLauncher launcher =
                CoordinatorLauncher.fromSystemProperty().jvmOptions("-Xmx256m", "-XX:TieredStopAtLevel=1");
        int port = LoopbackPorts.next();
        Path dir = Files.createTempDirectory("coordinator-server");
        List<String> args = new ArrayList<>(List.of(
                tlsOnly ? "--coordinator.secure-client-port=" + port : "--coordinator.client-port=" + port,
                "--coordinator.data-dir=" + dir.resolve("data"),
                "--coordinator.tick-time=" + TICK_MS,
                "--coordinator.container-check-interval=1s",
                "--server.address=127.0.0.1",
                "--logging.level.root=warn"));
        if (tlsOnly) {
            args.add("--coordinator.client-port=-1");
        }
        if (extra.stream().noneMatch(a -> a.startsWith("--server.port="))) {
            args.add("--server.port=0"); // Spring would join two values of one setting with a comma
        }
        args.addAll(extra);
        ServerProcess p = new ServerProcess("coordinator", launcher.command(args), dir.resolve("server.log"));
        p.startListening(port, Duration.ofSeconds(60));
        return new CoordinatorServerProcess(p, port);
    }

    public int port() {
        return port;
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    /**
     * Makes the server expire a session, as ZooKeeper tests do: a second client attaches to the same session
     * (id and password) and closes it.
     */
    public void expireSession(long sessionId, byte[] password) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(
                connectString(),
                10_000,
                e -> {
                    if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                },
                sessionId,
                password);
        try {
            if (!connected.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not attach to session 0x" + Long.toHexString(sessionId));
            }
        } finally {
            zk.close();
        }
    }

    /** SIGTERM, and SIGKILL if it does not exit in time. */
    @Override
    public void close() throws Exception {
        process.stop();
    }
}
