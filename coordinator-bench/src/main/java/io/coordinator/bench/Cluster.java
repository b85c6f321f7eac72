package io.coordinator.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One or three server child JVMs of one side (Apache ZooKeeper or Coordinator) with the same settings:
 * 127.0.0.1, random free ports, data dirs under one temp dir, tickTime, fsync on, the same -Xmx. Every child
 * is registered for killing by a shutdown hook, and {@link #close()} kills them.
 */
final class Cluster implements AutoCloseable {

    enum Side {
        ZOOKEEPER("zookeeper"), COORDINATOR("coordinator");

        final String label;

        Side(String label) {
            this.label = label;
        }
    }

    /** Every child process ever started; the shutdown hook kills those still alive. */
    private static final Set<Process> ALL = Collections.synchronizedSet(new HashSet<>());

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (ALL) {
                for (Process p : ALL) {
                    kill(p);
                }
            }
        }, "bench-kill-children"));
    }

    record Node(int id, int clientPort, int quorumPort, int electionPort, Path dataDir, Path log) {
    }

    final Side side;
    final int size;
    final List<Node> nodes = new ArrayList<>();
    final Process[] processes;
    private final Path dir;
    private final Config cfg;

    /**
     * Settings shared by both sides. {@code coordinatorCds}: a directory prepared by coordinator-server/cds.sh
     * (extracted jar + AppCDS archive) to launch Coordinator from, as production would; null: the fat jar.
     */
    record Config(String javaHome, String heap, int tickTime, Path coordinatorJar, Path coordinatorCds,
                  String benchClasspath, int readyTimeoutSeconds) {
    }

    Cluster(Side side, int size, Path baseDir, Config cfg) throws IOException {
        this.side = side;
        this.size = size;
        this.cfg = cfg;
        this.dir = Files.createTempDirectory(baseDir, side.label + "-" + size + "-");
        this.processes = new Process[size];
        Set<Integer> used = new HashSet<>();
        for (int i = 1; i <= size; i++) {
            Path data = dir.resolve("node" + i);
            Files.createDirectories(data);
            nodes.add(new Node(i, freePort(used), freePort(used), freePort(used), data, dir.resolve("node" + i + ".log")));
        }
        if (side == Side.ZOOKEEPER) {
            for (Node n : nodes) {
                writeZooCfg(n);
            }
        }
    }

    String connectString() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.clientPort()).collect(Collectors.joining(","));
    }

    Path dir() {
        return dir;
    }

    void start() throws IOException, InterruptedException {
        for (Node n : nodes) {
            startNode(n);
        }
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
        for (Node n : nodes) {
            while (true) {
                String log = Files.exists(n.log()) ? Files.readString(n.log()) : "";
                int started = log.split("Started CoordinatorApplication", -1).length - 1;
                if (started >= starts.getOrDefault(n.id(), 0)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(side.label + " node " + n.id() + " did not finish starting; see " + n.log());
                }
                Thread.sleep(50);
            }
        }
    }

    private final java.util.Map<Integer, Integer> starts = new java.util.HashMap<>();

    void startNode(Node n) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(cfg.javaHome(), "bin", "java").toString());
        cmd.add("-Xmx" + cfg.heap());
        cmd.add("-Xms" + cfg.heap());
        cmd.add("-XX:+UseG1GC");
        if (side == Side.ZOOKEEPER) {
            cmd.add("-Dzookeeper.admin.enableServer=false");
            cmd.add("-Dzookeeper.4lw.commands.whitelist=*");
            cmd.add("-cp");
            cmd.add(cfg.benchClasspath());
            cmd.add(size == 1 ? "org.apache.zookeeper.server.ZooKeeperServerMain"
                    : "org.apache.zookeeper.server.quorum.QuorumPeerMain");
            cmd.add(n.dataDir().resolve("zoo.cfg").toString());
        } else {
            if (cfg.coordinatorCds() != null) {
                cmd.add("-XX:SharedArchiveFile=" + cfg.coordinatorCds().resolve("app.jsa"));
                cmd.add("-jar");
                cmd.add(cfg.coordinatorCds().resolve("coordinator-server.jar").toString());
            } else {
                cmd.add("-jar");
                cmd.add(cfg.coordinatorJar().toString());
            }
            cmd.add("--server.port=0");
            cmd.add("--coordinator.client-port=" + n.clientPort());
            cmd.add("--coordinator.data-dir=" + n.dataDir());
            cmd.add("--coordinator.tick-time=" + cfg.tickTime());
            cmd.add("--coordinator.max-client-connections=0");
            cmd.add("--coordinator.session-secret=bench-secret-0123456789abcdef");
            if (size > 1) {
                cmd.add("--coordinator.server-id=" + n.id());
                cmd.add("--coordinator.ensemble=" + nodes.stream()
                        .map(m -> m.id() + "=127.0.0.1:" + m.quorumPort() + ":" + m.electionPort() + ";" + m.clientPort())
                        .collect(Collectors.joining(",")));
                cmd.add("--coordinator.init-limit=10");
                cmd.add("--coordinator.sync-limit=5");
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(n.log().toFile()));
        // Spring Boot reads COORDINATOR_X as the setting coordinator.x: the runner's own variables (run.sh's
        // COORDINATOR_LAUNCH) would reach the server as unknown settings, which turn its early start off
        // (issue 18, item 4). The servers get only the settings on their command line.
        pb.environment().keySet().removeIf(k -> k.toUpperCase(java.util.Locale.ROOT).startsWith("COORDINATOR"));
        Process p = pb.start();
        starts.merge(n.id(), 1, Integer::sum);
        ALL.add(p);
        processes[n.id() - 1] = p;
    }

    /**
     * Starts {@link CpuBurn} in a child JVM ({@code threads} spinning threads that stop by themselves after
     * {@code seconds}) and returns once it reports that every thread spins. Killed by the shutdown hook too.
     */
    static Process startCpuBurn(Config cfg, int threads, int seconds) throws IOException {
        Process p = new ProcessBuilder(Path.of(cfg.javaHome(), "bin", "java").toString(), "-Xmx64m", "-cp",
                cfg.benchClasspath(), CpuBurn.class.getName(), Integer.toString(threads), Integer.toString(seconds))
                .redirectErrorStream(true).start();
        ALL.add(p);
        // readLine is bounded: the burner prints its line at once and exits by itself after `seconds`
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("burning")) {
            kill(p);
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
        ALL.remove(p);
    }

    private void writeZooCfg(Node n) throws IOException {
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
            for (Node m : nodes) {
                sb.append("server.").append(m.id()).append("=127.0.0.1:").append(m.quorumPort()).append(':')
                        .append(m.electionPort()).append('\n');
            }
            Files.writeString(n.dataDir().resolve("myid"), n.id() + "\n");
        }
        Files.writeString(n.dataDir().resolve("zoo.cfg"), sb.toString());
    }

    /** Polls {@code srvr} on every node (bounded) until each serves: standalone, or one leader and followers. */
    void awaitReady() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(cfg.readyTimeoutSeconds());
        while (true) {
            int serving = 0;
            int leaders = 0;
            for (Node n : nodes) {
                Process p = processes[n.id() - 1];
                if (p != null && !p.isAlive()) {
                    throw new IOException(side.label + " node " + n.id() + " exited (" + p.exitValue() + "); see " + n.log());
                }
                String mode = mode(n);
                if (mode != null) {
                    serving++;
                    if (mode.equals("leader")) {
                        leaders++;
                    }
                }
            }
            if (serving == size && (size == 1 || leaders == 1)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(side.label + " not ready after " + cfg.readyTimeoutSeconds() + " s; logs in " + dir);
            }
            Thread.sleep(50);
        }
    }

    /** The node's Mode from srvr (standalone, leader, follower), or null when it is not serving. */
    String mode(Node n) {
        String out = fourLetterWord(n.clientPort(), "srvr");
        if (out == null) {
            return null;
        }
        for (String line : out.split("\n")) {
            if (line.startsWith("Mode: ")) {
                return line.substring(6).trim();
            }
        }
        return null;
    }

    /** The leader's (or the standalone server's) process. */
    Process leader() {
        for (Node n : nodes) {
            String m = mode(n);
            if ("leader".equals(m) || "standalone".equals(m)) {
                return processes[n.id() - 1];
            }
        }
        return processes[0];
    }

    static String fourLetterWord(int port, String word) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder sb = new StringBuilder();
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                sb.append(line).append('\n');
            }
            return sb.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** Kills one node (SIGKILL when {@code force}, else SIGTERM) and waits for it to exit (bounded). */
    void stopNode(Node n, boolean force) throws InterruptedException {
        Process p = processes[n.id() - 1];
        if (p == null) {
            return;
        }
        if (force) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        ALL.remove(p);
        processes[n.id() - 1] = null;
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            try {
                stopNode(n, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Process p = processes[n.id() - 1];
                if (p != null) {
                    kill(p);
                }
            }
        }
    }

    void deleteData() {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
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

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /**
     * A loopback port below the OS's ephemeral range (Linux: 32768-60999), so no client's outgoing connection
     * takes it between this check and the server's bind, as can happen to a released port-0 number.
     */
    private static int freePort(Set<Integer> used) throws IOException {
        int start = 10_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(22_000);
        for (int i = 0; i < 22_000; i++) {
            int port = 10_000 + (start - 10_000 + i) % 22_000;
            if (used.contains(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1);
                used.add(port);
                return port;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IOException("no free port below the ephemeral range");
    }
}
