package io.coordinator.server.it;

import io.coordinator.server.app.TestClients;
import io.coordinator.testsupport.LoopbackPorts;
import io.coordinator.testsupport.Member;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the two kinds of server the behaviour tests run against. */
public final class Servers {
    public static final String COORDINATOR_APP = "io.coordinator.server.app.CoordinatorApplication";
    public static final int TICK_TIME = 2000;

    private Servers() {}

    public enum Kind {
        ZOOKEEPER,
        COORDINATOR,
        /** Three Coordinator servers in this JVM forming a ZAB ensemble (see {@link #coordinatorEnsemble}). */
        COORDINATOR_ENSEMBLE
    }

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
        return switch (kind) {
            case ZOOKEEPER -> zooKeeper(dir, fastReaping);
            case COORDINATOR -> coordinator(dir, fastReaping);
            case COORDINATOR_ENSEMBLE -> coordinatorEnsemble(dir, fastReaping);
        };
    }

    public static int freePort() throws IOException {
        return LoopbackPorts.next();
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
        return ServerUnderTest.standalone("zookeeper", port, zk::close);
    }

    /** What every in-process Coordinator of these tests runs with: TTL nodes, all four-letter words, loopback. */
    private static List<String> testSettings(boolean fastReaping) {
        List<String> args = new ArrayList<>(List.of(
                "--coordinator.ttl-nodes-enabled=true",
                "--coordinator.four-letter-words=*",
                "--server.port=0",
                "--server.address=127.0.0.1"));
        if (fastReaping) {
            args.add("--coordinator.container-check-interval=" + FAST_REAP_INTERVAL_MS + "ms");
        }
        return args;
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
                "--coordinator.tick-time=" + TICK_TIME));
        args.addAll(testSettings(fastReaping));
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(app).run(args.toArray(new String[0]));
        try {
            awaitListening(port, Duration.ofSeconds(15));
        } catch (Exception e) {
            ctx.close();
            throw e;
        }
        return ServerUnderTest.standalone("coordinator", port, ctx::close);
    }

    /**
     * A configured secret, for the tests that show one is honoured (QuorumTlsTest). The in-process ensembles
     * below set none: their first leader replicates a random one, the default every user gets.
     */
    static final String ENSEMBLE_SECRET = "in-process-ensemble-test-secret";

    /**
     * Three Coordinator servers in this JVM (one Spring context each, own data dir, random loopback ports)
     * forming an ensemble; returns once one leads and all three serve. {@link ServerUnderTest#port()} is a
     * follower's client port (so raw-socket tests exercise forwarding to the leader), the connect string
     * lists all three.
     */
    public static EnsembleUnderTest coordinatorEnsemble(Path dir, boolean fastReaping) throws Exception {
        return coordinatorEnsemble(dir, fastReaping, 3, 0, List.of());
    }

    /** {@code voters} participants and {@code observers} observers (the last ids), with extra arguments for all. */
    public static EnsembleUnderTest coordinatorEnsemble(
            Path dir, boolean fastReaping, int voters, int observers, List<String> extraArgs) throws Exception {
        Class<?> app = Class.forName(COORDINATOR_APP);
        int n = voters + observers;
        List<Member> members = Member.allocate(n, dir);
        int[] client = Member.clientPorts(members);
        String ensemble = members.stream()
                .map(m -> m.ensembleEntry(m.id() > voters ? "observer" : ""))
                .collect(Collectors.joining(","));
        List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        List<String[]> memberArgs = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                List<String> args = new ArrayList<>(List.of(
                        "--coordinator.server-id=" + (i + 1),
                        "--coordinator.ensemble=" + ensemble,
                        "--coordinator.client-port=" + client[i],
                        "--coordinator.data-dir=" + members.get(i).dataDir()));
                args.addAll(testSettings(fastReaping));
                if (extraArgs.stream().noneMatch(a -> a.startsWith("--coordinator.tick-time="))) {
                    args.add("--coordinator.tick-time=" + TICK_TIME);
                }
                args.addAll(extraArgs);
                memberArgs.add(args.toArray(new String[0]));
                contexts.add(new SpringApplicationBuilder(app).run(memberArgs.get(i)));
            }
            String[] modes = awaitEnsembleServing(client, Duration.ofSeconds(60));
            int follower = -1;
            for (int i = 0; i < n; i++) {
                if (modes[i].equals("follower")) {
                    follower = i;
                    break;
                }
            }
            return new EnsembleUnderTest(app, memberArgs, contexts, client, modes, follower);
        } catch (Exception | Error e) {
            contexts.forEach(ConfigurableApplicationContext::close);
            throw e;
        }
    }

    /**
     * Member {@code i} (0-based) of an ensemble started from ZooKeeper 3.5+ style files, under {@code dir/node<i+1>}:
     * a data dir holding myid, the {@code dynamicConfigFile} with {@code dynamic}'s server lines, and a zoo.cfg of
     * {@code settings} plus dataDir and dynamicConfigFile. Starts it (in this JVM) on that zoo.cfg.
     */
    static ConfigurableApplicationContext startFromDynamicConfig(Path dir, int i, String dynamic, String... settings)
            throws Exception {
        Path node = Files.createDirectories(dir.resolve("node" + (i + 1)));
        Path data = Files.createDirectories(node.resolve("data"));
        Files.writeString(data.resolve("myid"), String.valueOf(i + 1));
        Path dyn = Files.writeString(node.resolve("zoo.cfg.dynamic.100000000"), dynamic);
        List<String> lines = new ArrayList<>(List.of(settings));
        lines.add("dataDir=" + data);
        lines.add("dynamicConfigFile=" + dyn);
        Path cfg = Files.write(node.resolve("zoo.cfg"), lines);
        return new SpringApplicationBuilder(Class.forName(COORDINATOR_APP))
                .run("--coordinator.zoo-cfg=" + cfg, "--server.port=0", "--server.address=127.0.0.1");
    }

    /**
     * Member {@code i} of an ensemble whose membership may change: {@code reconfigEnabled=true}, the super user
     * {@code superCredentials} ({@code super:<password>}), tickTime 200.
     */
    static ConfigurableApplicationContext startReconfigurable(Path dir, int i, String dynamic, String superCredentials)
            throws Exception {
        return startFromDynamicConfig(
                dir,
                i,
                dynamic,
                "tickTime=200",
                "initLimit=10",
                "syncLimit=5",
                "reconfigEnabled=true",
                "standaloneEnabled=false",
                "4lw.commands.whitelist=*",
                "DigestAuthenticationProvider.superDigest="
                        + DigestAuthenticationProvider.generateDigest(superCredentials));
    }

    /** {@code /zookeeper/config} as a client of the server at {@code port} reads it after a sync. */
    static String configOf(int port) throws Exception {
        try (ZooKeeper zk = TestClients.connect(port)) {
            CompletableFuture<Integer> synced = new CompletableFuture<>();
            zk.sync("/zookeeper/config", (rc, path, ctx) -> synced.complete(rc), null);
            synced.get(30, TimeUnit.SECONDS);
            return new String(zk.getConfig(false, null), StandardCharsets.UTF_8);
        }
    }

    /** Polls {@code srvr} on every port until one says leader and all others follower; returns the modes. */
    static String[] awaitEnsembleServing(int[] clientPorts, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        String[] modes = new String[clientPorts.length];
        while (true) {
            int leaders = 0;
            int followers = 0;
            for (int i = 0; i < clientPorts.length; i++) {
                modes[i] = modeOf(clientPorts[i]);
                leaders += "leader".equals(modes[i]) ? 1 : 0;
                followers += "follower".equals(modes[i]) || "observer".equals(modes[i]) ? 1 : 0;
            }
            if (leaders == 1 && leaders + followers == clientPorts.length) {
                return modes;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "ensemble not serving after " + max + ": modes " + java.util.Arrays.toString(modes));
            }
            Thread.sleep(100); // polling observable state (srvr), not waiting for an event
        }
    }

    /** The {@code Mode:} line of {@code srvr} on 127.0.0.1:port, or null if it is not serving / not up. */
    public static String modeOf(int port) {
        try {
            String s = RawClient.fourLetterWord(port, "srvr");
            for (String line : s.split("\n")) {
                if (line.startsWith("Mode: ")) {
                    return line.substring(6).trim();
                }
            }
        } catch (Exception e) {
            // not listening yet
        }
        return null;
    }

    /** An in-process ensemble; closing it closes every member. */
    public static final class EnsembleUnderTest implements ServerUnderTest {
        private final Class<?> app;
        private final List<String[]> memberArgs;
        private final List<ConfigurableApplicationContext> contexts;
        private final int[] clientPorts;
        private final String[] modesAtStart;
        private final int chosen;

        EnsembleUnderTest(
                Class<?> app,
                List<String[]> memberArgs,
                List<ConfigurableApplicationContext> contexts,
                int[] clientPorts,
                String[] modesAtStart,
                int chosen) {
            this.app = app;
            this.memberArgs = memberArgs;
            this.contexts = contexts;
            this.clientPorts = clientPorts;
            this.modesAtStart = modesAtStart;
            this.chosen = chosen;
        }

        /** A follower's client port: tests that talk to "the server" over a raw socket use this member. */
        @Override
        public int port() {
            return clientPorts[chosen];
        }

        @Override
        public String connectString() {
            StringBuilder sb = new StringBuilder();
            for (int p : clientPorts) {
                sb.append(sb.length() == 0 ? "" : ",").append("127.0.0.1:").append(p);
            }
            return sb.toString();
        }

        @Override
        public String name() {
            return "coordinator-ensemble";
        }

        @Override
        public String mode() {
            return modesAtStart[chosen];
        }

        @Override
        public boolean isEnsemble() {
            return true;
        }

        public int[] clientPorts() {
            return clientPorts.clone();
        }

        /** The Spring context of the member at {@code index} (0-based). */
        public ConfigurableApplicationContext context(int index) {
            return contexts.get(index);
        }

        /** Stops one member (index from 0), as if its process died. */
        public void stopMember(int index) {
            contexts.get(index).close();
        }

        /** Starts a stopped member again, with its data directory and settings (the process restarting). */
        public void startMember(int index) {
            contexts.get(index).close();
            contexts.set(index, new SpringApplicationBuilder(app).run(memberArgs.get(index)));
        }

        @Override
        public void close() {
            closeAll(contexts);
        }
    }

    /** Closes every member's context, the others even when one fails to close. */
    static void closeAll(List<ConfigurableApplicationContext> contexts) {
        for (ConfigurableApplicationContext c : contexts) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // close the others anyway
            }
        }
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
