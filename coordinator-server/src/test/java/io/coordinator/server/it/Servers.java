package io.coordinator.server.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the two kinds of server the behaviour tests run against. */
public final class Servers {
    public static final String COORDINATOR_APP = "io.coordinator.server.app.CoordinatorApplication";
    public static final int TICK_TIME = 2000;

    private Servers() {
    }

    public enum Kind { ZOOKEEPER, COORDINATOR }

    /** Container/TTL sweep interval used by {@link #start(Kind, Path, boolean)} with fastReaping. */
    public static final int FAST_REAP_INTERVAL_MS = 500;

    public static ServerUnderTest start(Kind kind, Path dir) throws Exception {
        return start(kind, dir, false);
    }

    /**
     * @param fastReaping sweep containers and TTL nodes every {@value #FAST_REAP_INTERVAL_MS} ms instead of
     *        every 60 s (ZooKeeper: {@code znode.container.checkIntervalMs}; Coordinator:
     *        {@code coordinator.container-check-interval})
     */
    public static ServerUnderTest start(Kind kind, Path dir, boolean fastReaping) throws Exception {
        return kind == Kind.ZOOKEEPER ? zooKeeper(dir, fastReaping) : coordinator(dir, fastReaping);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Apache ZooKeeper 3.9.5, standalone, in-process, bound to 127.0.0.1. */
    public static ServerUnderTest zooKeeper(Path dir) throws Exception {
        return zooKeeper(dir, false);
    }

    public static synchronized ServerUnderTest zooKeeper(Path dir, boolean fastReaping) throws Exception {
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        System.setProperty("zookeeper.admin.enableServer", "false");
        int port = freePort();
        Properties p = new Properties();
        p.setProperty("dataDir", dir.resolve("data").toString());
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("tickTime", Integer.toString(TICK_TIME));
        p.setProperty("4lw.commands.whitelist", "*");
        p.setProperty("admin.enableServer", "false");
        ZooKeeperServerEmbedded zk = ZooKeeperServerEmbedded.builder()
                .baseDir(dir)
                .configuration(p)
                .exitHandler(ExitHandler.LOG_ONLY)
                .build();
        // read once, when the server starts its ContainerManager
        if (fastReaping) {
            System.setProperty("znode.container.checkIntervalMs", Integer.toString(FAST_REAP_INTERVAL_MS));
        }
        try {
            zk.start(30_000);
        } finally {
            System.clearProperty("znode.container.checkIntervalMs");
        }
        awaitListening(port, Duration.ofSeconds(30));
        return new ServerUnderTest() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public String name() {
                return "zookeeper";
            }

            @Override
            public void close() {
                zk.close();
            }
        };
    }

    /** Our server, started in-process as a Spring Boot app; loaded reflectively so this compiles without it. */
    public static ServerUnderTest coordinator(Path dir) throws Exception {
        return coordinator(dir, false);
    }

    public static ServerUnderTest coordinator(Path dir, boolean fastReaping) throws Exception {
        Class<?> app = Class.forName(COORDINATOR_APP);
        int port = freePort();
        List<String> args = new ArrayList<>(List.of(
                "--coordinator.client-port=" + port,
                "--coordinator.data-dir=" + dir.resolve("data"),
                "--coordinator.tick-time=" + TICK_TIME,
                "--coordinator.ttl-nodes-enabled=true",
                "--coordinator.four-letter-words=*",
                "--server.port=0",
                "--server.address=127.0.0.1"));
        if (fastReaping) {
            args.add("--coordinator.container-check-interval=" + FAST_REAP_INTERVAL_MS + "ms");
        }
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(app).run(args.toArray(new String[0]));
        try {
            awaitListening(port, Duration.ofSeconds(15));
        } catch (Exception e) {
            ctx.close();
            throw e;
        }
        return new ServerUnderTest() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public String name() {
                return "coordinator";
            }

            @Override
            public void close() {
                ctx.close();
            }
        };
    }

    static void awaitListening(int port, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(50); // polling a port, not waiting for an event
            }
        }
        throw new IllegalStateException("nothing listening on 127.0.0.1:" + port + " after " + max, last);
    }

}
