package io.coordinator.bench;

import io.coordinator.testsupport.CoordinatorLauncher;
import io.coordinator.testsupport.Member;
import io.coordinator.testsupport.ServerEnsemble;
import io.coordinator.testsupport.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One server, or an ensemble of voters and observers (the last ids), as child JVMs of one side (Apache ZooKeeper or
 * Coordinator) with the same settings:
 * 127.0.0.1, loopback ports, data dirs under one temp dir, tickTime, fsync on, the same -Xmx. The processes are
 * the shared {@link ServerEnsemble}'s (killed by its shutdown hook too); the settings here are the benchmark's,
 * and {@link #close()} stops them.
 */
final class Cluster implements AutoCloseable {

    enum Side {
        ZOOKEEPER("zookeeper"),
        COORDINATOR("coordinator");

        final String label;

        Side(String label) {
            this.label = label;
        }
    }

    final Side side;
    final int size;
    /** How many of the members are observers: the last ones. */
    final int observers;

    final List<Member> nodes;
    private final ServerEnsemble ensemble;
    private final Config cfg;

    /**
     * Settings shared by both sides. {@code coordinatorCds}: a directory prepared by coordinator-server/cds.sh
     * (extracted jar + AppCDS archive) to launch Coordinator from, as production would; null: the fat jar.
     */
    record Config(
            String javaHome,
            String heap,
            int tickTime,
            Path coordinatorJar,
            Path coordinatorCds,
            String benchClasspath,
            int readyTimeoutSeconds) {}

    Cluster(Side side, int size, Path baseDir, Config cfg) throws IOException {
        this(side, size, 0, baseDir, cfg);
    }

    Cluster(Side side, int size, int observers, Path baseDir, Config cfg) throws IOException {
        if (observers < 0 || (observers > 0 && size - observers < 1) || (size == 1 && observers > 0)) {
            throw new IllegalArgumentException(size + " members with " + observers + " observers");
        }
        this.side = side;
        this.size = size;
        this.observers = observers;
        this.cfg = cfg;
        Path dir = Files.createTempDirectory(baseDir, side.label + "-" + size + "-");
        this.ensemble = new ServerEnsemble(
                size, dir, side.label, side == Side.ZOOKEEPER ? this::zooKeeperCommand : this::coordinatorCommand);
        this.nodes = ensemble.members();
        if (side == Side.ZOOKEEPER) {
            for (Member n : nodes) {
                writeZooCfg(n);
            }
        }
    }

    String connectString() {
        return ensemble.connectString();
    }

    Path dir() {
        return ensemble.dir();
    }

    void start() throws IOException, InterruptedException {
        ensemble.startAll();
        awaitReady();
        awaitSettled();
    }

    /**
     * Coordinator serves its client port before its Spring context has finished starting (the server starts
     * early); load runs must not share the CPU with that start-up, so they also wait until every node logged
     * "Started CoordinatorApplication" once per start (the log is appended across restarts). Restart-to-serving
     * is still timed to srvr answering. ZooKeeper is fully started once it serves.
     */
    void awaitSettled() throws InterruptedException, IOException {
        if (side != Side.COORDINATOR) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(cfg.readyTimeoutSeconds());
        for (Member n : nodes) {
            while (true) {
                String log = Files.exists(n.log()) ? Files.readString(n.log()) : "";
                int started = log.split("Started CoordinatorApplication", -1).length - 1;
                if (started >= ensemble.process(n.id()).starts()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(side.label + " node " + n.id() + " did not finish starting; see " + n.log());
                }
                Thread.sleep(50);
            }
        }
    }

    void startNode(Member n) throws IOException {
        ensemble.start(n.id());
    }

    private List<String> zooKeeperCommand(ServerEnsemble e, Member n) {
        return List.of(
                Path.of(cfg.javaHome(), "bin", "java").toString(),
                "-Xmx" + cfg.heap(),
                "-Xms" + cfg.heap(),
                "-XX:+UseG1GC",
                "-Dzookeeper.admin.enableServer=false",
                "-Dzookeeper.4lw.commands.whitelist=*",
                "-cp",
                cfg.benchClasspath(),
                size == 1
                        ? "org.apache.zookeeper.server.ZooKeeperServerMain"
                        : "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                n.dataDir().resolve("zoo.cfg").toString());
    }

    private List<String> coordinatorCommand(ServerEnsemble e, Member n) {
        CoordinatorLauncher launcher = cfg.coordinatorCds() != null
                ? CoordinatorLauncher.cds(cfg.coordinatorCds())
                : CoordinatorLauncher.jar(cfg.coordinatorJar());
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--coordinator.tick-time=" + cfg.tickTime(),
                "--coordinator.max-client-connections=0",
                "--coordinator.session-secret=bench-secret-0123456789abcdef"));
        if (size > 1) {
            args.addAll(CoordinatorLauncher.memberArgs(n, ensembleSetting(e.members())));
            args.add("--coordinator.init-limit=10");
            args.add("--coordinator.sync-limit=5");
        } else {
            args.add("--coordinator.client-port=" + n.clientPort());
            args.add("--coordinator.data-dir=" + n.dataDir());
        }
        return launcher.javaHome(Path.of(cfg.javaHome()))
                .jvmOptions("-Xmx" + cfg.heap(), "-Xms" + cfg.heap(), "-XX:+UseG1GC")
                .command(args);
    }

    /**
     * Starts {@link CpuBurn} in a child JVM ({@code threads} spinning threads that stop by themselves after
     * {@code seconds}) and returns once it reports that every thread spins. Killed by the shutdown hook too.
     */
    static Process startCpuBurn(Config cfg, int threads, int seconds) throws IOException {
        Process p = new ProcessBuilder(
                        Path.of(cfg.javaHome(), "bin", "java").toString(),
                        "-Xmx64m",
                        "-cp",
                        cfg.benchClasspath(),
                        CpuBurn.class.getName(),
                        Integer.toString(threads),
                        Integer.toString(seconds))
                .redirectErrorStream(true)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "bench-kill-cpu-burn"));
        // readLine is bounded: the burner prints its line at once and exits by itself after `seconds`
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("burning")) {
            p.destroyForcibly();
            throw new IOException("CPU load did not start: " + line);
        }
        return p;
    }

    static void stopCpuBurn(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    boolean isObserver(Member m) {
        return m.id() > size - observers;
    }

    /** Coordinator's ensemble setting: every member's entry, the observers' with their role. */
    String ensembleSetting(List<Member> members) {
        return members.stream()
                .map(m -> m.ensembleEntry(isObserver(m) ? "observer" : ""))
                .collect(Collectors.joining(","));
    }

    private void writeZooCfg(Member n) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("tickTime=").append(cfg.tickTime()).append('\n');
        sb.append("initLimit=10\nsyncLimit=5\n");
        sb.append("dataDir=").append(n.dataDir()).append('\n');
        sb.append("clientPort=").append(n.clientPort()).append('\n');
        sb.append("clientPortAddress=127.0.0.1\n");
        sb.append("maxClientCnxns=0\n");
        sb.append("forceSync=yes\n");
        sb.append("admin.enableServer=false\n");
        sb.append("4lw.commands.whitelist=*\n");
        sb.append("autopurge.purgeInterval=0\n");
        if (size > 1) {
            for (Member m : nodes) {
                sb.append("server.")
                        .append(m.id())
                        .append("=127.0.0.1:")
                        .append(m.quorumPort())
                        .append(':')
                        .append(m.electionPort())
                        .append(isObserver(m) ? ":observer" : "")
                        .append('\n');
            }
            if (isObserver(n)) {
                sb.append("peerType=observer\n");
            }
            Files.writeString(n.dataDir().resolve("myid"), n.id() + "\n");
        }
        Files.writeString(n.dataDir().resolve("zoo.cfg"), sb.toString());
    }

    /** Waits (bounded) until every node serves: standalone, or one leader and followers. */
    void awaitReady() throws InterruptedException, IOException {
        ensemble.awaitReady(Duration.ofSeconds(cfg.readyTimeoutSeconds()));
    }

    /** The leader (or the standalone server); the first node when none says so. */
    Member leader() {
        int id = ensemble.leaderId();
        return nodes.get(id == 0 ? 0 : id - 1);
    }

    /** The node's running process, or null while it is down. */
    Process process(Member n) {
        ServerProcess p = ensemble.process(n.id());
        return p.isAlive() ? p.process().orElse(null) : null;
    }

    /** The running processes of all nodes. */
    List<Process> processes() {
        return nodes.stream().map(this::process).filter(Objects::nonNull).toList();
    }

    /** Kills one node (SIGKILL when {@code force}, else SIGTERM) and waits for it to exit (bounded). */
    void stopNode(Member n, boolean force) throws InterruptedException {
        if (force) {
            ensemble.kill(n.id());
        } else {
            ensemble.stop(n.id());
        }
    }

    @Override
    public void close() {
        for (Member n : nodes) {
            try {
                stopNode(n, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ensemble.close();
                return;
            }
        }
    }

    void deleteData() {
        try (var s = Files.walk(dir())) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // leave it
                }
            });
        } catch (IOException e) {
            // leave it
        }
    }
}
