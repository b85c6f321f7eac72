package io.coordinator.trust.nemesis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
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

/**
 * One coordinator-server.jar process: its ports, data directory, log, and storage-fault control file; started,
 * SIGKILLed, paused (SIGSTOP) and resumed (SIGCONT). Every process is also killed by a JVM shutdown hook.
 */
public final class ServerNode {
    private static final Set<Process> ALL = Collections.synchronizedSet(new HashSet<>());

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (ALL) {
                ALL.forEach(ServerNode::killNow);
            }
        }, "trust-kill-servers"));
    }

    public final int id;
    public final int clientPort;
    public final int quorumPort;
    public final int electionPort;
    private final Path dir;
    private final ServerSettings settings;
    private String ensemble;
    private Process process;
    private boolean paused;
    private int starts;

    public ServerNode(int id, Path dir, ServerSettings settings) throws IOException {
        this.id = id;
        this.dir = dir;
        this.settings = settings;
        this.clientPort = Ports.next();
        this.quorumPort = Ports.next();
        this.electionPort = Ports.next();
        Files.createDirectories(dir.resolve("data"));
    }

    public Path faultsFile() {
        return dir.resolve("storage-faults");
    }

    public Path clockOffsetFile() {
        return dir.resolve("clock-offset");
    }

    public Path logFile() {
        return dir.resolve("server.log");
    }

    void setEnsemble(String ensemble) {
        this.ensemble = ensemble;
    }

    public synchronized void start() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx200m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-jar", settings.jar().toString(),
                "--server.port=0", "--server.address=127.0.0.1",
                "--coordinator.server-id=" + id,
                "--coordinator.ensemble=" + ensemble,
                "--coordinator.client-port=" + clientPort,
                "--coordinator.data-dir=" + dir.resolve("data"),
                // no session secret: the ensemble's replicated one, the default users get, moves sessions under faults
                "--coordinator.tick-time=" + settings.tickMs(),
                "--coordinator.init-limit=20", "--coordinator.sync-limit=5",
                "--coordinator.max-client-connections=0",
                "--coordinator.testing.storage-faults-file=" + faultsFile(),
                "--coordinator.testing.clock-offset-file=" + clockOffsetFile(),
                "--logging.level.root=warn", "--logging.level.io.coordinator=info"));
        starts++;
        Files.writeString(logFile(), "==== start " + starts + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
        ALL.add(process);
        paused = false;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized boolean isPaused() {
        return paused;
    }

    /** SIGKILL, and wait for the process to be gone (bounded). */
    public synchronized void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        ALL.remove(process);
        process = null;
        paused = false;
    }

    public synchronized void pause() throws IOException, InterruptedException {
        signal("STOP");
        paused = true;
    }

    public synchronized void resume() throws IOException, InterruptedException {
        signal("CONT");
        paused = false;
    }

    private void signal(String sig) throws IOException, InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException("kill -" + sig + " " + process.pid() + " failed");
        }
    }

    /** Writes the storage-fault control file the server polls ("slow N", "fail", or "" for none). */
    public void storageFault(String command) throws IOException {
        Path tmp = dir.resolve("storage-faults.tmp");
        Files.writeString(tmp, command);
        Files.move(tmp, faultsFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes the wall-clock offset control file the server polls (signed ms added to its wall clock; 0 = none). */
    public void clockOffset(long millis) throws IOException {
        Path tmp = dir.resolve("clock-offset.tmp");
        Files.writeString(tmp, Long.toString(millis));
        Files.move(tmp, clockOffsetFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The Mode line of {@code srvr}: leader, follower, ...; null when not serving or not answering. */
    public String mode() {
        if (isPaused() || !isAlive()) {
            return null;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", clientPort), 1000);
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("Mode: ")) {
                    return line.substring(6).trim();
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void killNow(Process p) {
        try {
            new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start();
        } catch (IOException e) {
            // SIGKILL works on a stopped process anyway
        }
        p.destroyForcibly();
    }

    @Override
    public String toString() {
        return "node" + id + "(client " + clientPort + ")";
    }
}
