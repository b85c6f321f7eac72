package io.coordinator.spring.test;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.zookeeper.ZooKeeper;

/**
 * A real Coordinator server: the executable coordinator-server jar started as a separate JVM on a random
 * client port (127.0.0.1), with a temporary data directory. Tick time 500 ms, so session timeouts from 1 s to
 * 10 s are granted.
 */
public final class CoordinatorServerProcess implements AutoCloseable {
    public static final int TICK_MS = 500;

    private final Process process;
    private final int port;
    private final Path dataDir;

    private CoordinatorServerProcess(Process process, int port, Path dataDir) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
    }

    public static CoordinatorServerProcess start() throws Exception {
        return start(false, List.of());
    }

    /**
     * A server whose only client port is TLS (no plain port), with the key store of an SSL bundle named "server"
     * (PKCS12, given password): what a team that secures its servers runs.
     */
    public static CoordinatorServerProcess startTlsOnly(Path keyStore, String password) throws Exception {
        return start(true, List.of("--coordinator.ssl.client-bundle=server",
                "--spring.ssl.bundle.jks.server.keystore.location=file:" + keyStore,
                "--spring.ssl.bundle.jks.server.keystore.password=" + password,
                "--spring.ssl.bundle.jks.server.keystore.type=PKCS12"));
    }

    /** A server whose only client port is TLS, set up by {@code settings} (its coordinator.ssl.* and SSL bundle). */
    public static CoordinatorServerProcess startTlsOnly(List<String> settings) throws Exception {
        return start(true, settings);
    }

    private static CoordinatorServerProcess start(boolean tlsOnly, List<String> extra) throws Exception {
        String jar = System.getProperty("coordinator.server.jar");
        if (jar == null || !new File(jar).isFile()) {
            throw new IllegalStateException("coordinator.server.jar not found (" + jar
                    + "): install coordinator-server first (mvn -o -q -B -pl coordinator-server -DskipTests install)");
        }
        int port = freePort();
        Path dir = Files.createTempDirectory("coordinator-server");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar,
                tlsOnly ? "--coordinator.secure-client-port=" + port : "--coordinator.client-port=" + port,
                "--coordinator.data-dir=" + dir.resolve("data"),
                "--coordinator.tick-time=" + TICK_MS,
                "--coordinator.container-check-interval=1s",
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--logging.level.root=warn"));
        if (tlsOnly) {
            cmd.add("--coordinator.client-port=-1");
        }
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile())
                .start();
        CoordinatorServerProcess server = new CoordinatorServerProcess(p, port, dir);
        try {
            awaitListening(port, Duration.ofSeconds(60), p);
        } catch (Exception e) {
            server.close();
            throw new IllegalStateException("server did not start; log: " + Files.readString(dir.resolve("server.log")), e);
        }
        return server;
    }

    public int port() {
        return port;
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    /**
     * A loopback port for a server configured before it starts. Taken below the OS's ephemeral range
     * (Linux: 32768-60999): a port-0 number, once released, can become the local port of any client's next
     * outgoing connection before our server binds it.
     */
    public static int freePort() throws IOException {
        for (int attempt = 0; attempt < PORT_SPAN; attempt++) {
            int port = FIRST_PORT + Math.floorMod(NEXT_PORT.getAndIncrement(), PORT_SPAN);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IOException("no bindable loopback port below the ephemeral range");
    }

    private static final int FIRST_PORT = 10_000;
    private static final int PORT_SPAN = 22_000;
    private static final AtomicInteger NEXT_PORT =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(PORT_SPAN));

    static void awaitListening(int port, Duration max, Process p) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("server exited with " + p.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(100); // polling a port of another process: there is no event to wait for
            }
        }
        throw new IllegalStateException("nothing listening on 127.0.0.1:" + port + " after " + max);
    }

    /**
     * Makes the server expire a session, as ZooKeeper tests do: a second client attaches to the same session
     * (id and password) and closes it.
     */
    public void expireSession(long sessionId, byte[] password) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString(), 10_000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, sessionId, password);
        try {
            if (!connected.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not attach to session 0x" + Long.toHexString(sessionId));
            }
        } finally {
            zk.close();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
