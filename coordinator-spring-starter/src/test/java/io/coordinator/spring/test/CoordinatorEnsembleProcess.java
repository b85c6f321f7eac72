package io.coordinator.spring.test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.zookeeper.ZooKeeper;

/**
 * A real 3-member (or n-member) Coordinator ensemble: the executable server jar started n times as separate JVMs
 * on 127.0.0.1, with the same session secret (so a session moves between members) and tick time 500 ms. Members
 * can be killed (SIGKILL), stopped (SIGTERM) and started again on the same ports and data directory.
 */
public final class CoordinatorEnsembleProcess implements AutoCloseable {
    public static final int TICK_MS = CoordinatorServerProcess.TICK_MS;
    private static final Pattern REMOTE = Pattern.compile("remoteserver:\\S*:(\\d+)");

    /** One member: its id (1..n), ports and files. */
    public record Member(int id, int clientPort, int quorumPort, int electionPort, Path dataDir, Path log) {
        public String address() {
            return "127.0.0.1:" + clientPort;
        }
    }

    private final String jar;
    private final Path dir;
    private final List<Member> members = new ArrayList<>();
    private final Process[] processes;

    private CoordinatorEnsembleProcess(String jar, Path dir, int size) throws IOException {
        this.jar = jar;
        this.dir = dir;
        this.processes = new Process[size];
        for (int id = 1; id <= size; id++) {
            members.add(new Member(id, CoordinatorServerProcess.freePort(), CoordinatorServerProcess.freePort(),
                    CoordinatorServerProcess.freePort(), dir.resolve("node" + id), dir.resolve("node" + id + ".log")));
        }
    }

    /** Starts all members and waits until every one serves, with one leader. */
    public static CoordinatorEnsembleProcess launch(int size) throws Exception {
        String jar = System.getProperty("coordinator.server.jar");
        if (jar == null || !new File(jar).isFile()) {
            throw new IllegalStateException("coordinator.server.jar not found (" + jar + ")");
        }
        CoordinatorEnsembleProcess ensemble = new CoordinatorEnsembleProcess(jar, Files.createTempDirectory("coordinator-ensemble"), size);
        try {
            for (Member m : ensemble.members) {
                ensemble.start(m.id());
            }
            ensemble.awaitReady(Duration.ofSeconds(90));
        } catch (Exception e) {
            ensemble.close();
            throw e;
        }
        return ensemble;
    }

    public List<Member> members() {
        return members;
    }

    public Member member(int id) {
        return members.get(id - 1);
    }

    /** All members, as a client lists them. */
    public String connectString() {
        return members.stream().map(Member::address).collect(Collectors.joining(","));
    }

    /** (Re)starts one member with its original ports and data directory. */
    public synchronized void start(int id) throws IOException {
        Member m = member(id);
        if (processes[id - 1] != null && processes[id - 1].isAlive()) {
            throw new IllegalStateException("member " + id + " is running");
        }
        Files.createDirectories(m.dataDir());
        String ensemble = members.stream()
                .map(o -> o.id() + "=127.0.0.1:" + o.quorumPort() + ":" + o.electionPort() + ";127.0.0.1:" + o.clientPort())
                .collect(Collectors.joining(","));
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar,
                "--coordinator.server-id=" + id,
                "--coordinator.ensemble=" + ensemble,
                "--coordinator.client-port=" + m.clientPort(),
                "--coordinator.session-secret=ensemble-test-secret-0123456789abcdef",
                "--coordinator.data-dir=" + m.dataDir(),
                "--coordinator.tick-time=" + TICK_MS,
                "--coordinator.init-limit=10",
                "--coordinator.sync-limit=5",
                "--coordinator.container-check-interval=1s",
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--logging.level.root=warn");
        processes[id - 1] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(m.log().toFile())).start();
    }

    /** SIGKILL: no goodbye to peers or clients. Waits for the process to exit. */
    public void kill(int id) throws InterruptedException {
        end(id, true);
    }

    /** SIGTERM: the member shuts down gracefully. Waits for the process to exit. */
    public void stop(int id) throws InterruptedException {
        end(id, false);
    }

    private synchronized void end(int id, boolean force) throws InterruptedException {
        Process p = processes[id - 1];
        if (p == null) {
            return;
        }
        if (force) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        processes[id - 1] = null;
    }

    public synchronized boolean isRunning(int id) {
        return processes[id - 1] != null && processes[id - 1].isAlive();
    }

    /** The member's mode from {@code srvr} ("leader", "follower", ...), or null while it does not serve. */
    public String mode(int id) {
        String out = fourLetterWord(member(id).clientPort(), "srvr");
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

    /** Id of the member that currently says it leads, or 0. */
    public int leaderId() {
        for (Member m : members) {
            if ("leader".equals(mode(m.id()))) {
                return m.id();
            }
        }
        return 0;
    }

    /** True when every running member serves and exactly one of them leads. */
    public boolean ready() {
        int leaders = 0;
        for (Member m : members) {
            if (!isRunning(m.id())) {
                return false;
            }
            String mode = mode(m.id());
            if (mode == null) {
                return false;
            }
            if (mode.equals("leader")) {
                leaders++;
            }
        }
        return leaders == 1;
    }

    /** Waits (bounded) until {@link #ready()}; a member that exits fails fast with its log. */
    public void awaitReady(Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (!ready()) {
            for (Member m : members) {
                Process p = processes[m.id() - 1];
                if (p != null && !p.isAlive()) {
                    throw new IllegalStateException("member " + m.id() + " exited (" + p.exitValue() + "): " + tail(m));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ensemble not ready after " + max + "; logs in " + dir);
            }
            Thread.sleep(100); // polling other processes: there is no event to wait for
        }
    }

    /** Id of the member a ZooKeeper client is connected to, or 0 when it is not connected. */
    public int memberOf(ZooKeeper zk) {
        if (zk == null || !zk.getState().isConnected()) {
            return 0;
        }
        Matcher m = REMOTE.matcher(zk.toString());
        if (!m.find()) {
            return 0;
        }
        int port = Integer.parseInt(m.group(1));
        return members.stream().filter(x -> x.clientPort() == port).mapToInt(Member::id).findFirst().orElse(0);
    }

    private static String tail(Member m) {
        try {
            List<String> lines = Files.readAllLines(m.log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
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

    @Override
    public void close() {
        for (Member m : members) {
            try {
                kill(m.id());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
