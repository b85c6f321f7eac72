package io.coordinator.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.testsupport.LoopbackPorts;
import io.coordinator.testsupport.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command ZooKeeper's zkServer.sh runs, {@code java -cp coordinator-server.jar:coordinator-zookeeper-launcher.jar
 * org.apache.zookeeper.server.quorum.QuorumPeerMain zoo.cfg}, as a real process: it serves the real ZooKeeper
 * client on the zoo.cfg's clientPort with the data in its dataDir, ZooKeeper's AdminServer commands on its
 * admin.serverPort, and SIGTERM stops it cleanly (exit status 143, as ZooKeeper's JVM).
 */
@Timeout(300)
class QuorumPeerMainProcessTest {
    @TempDir
    Path dir;

    @Test
    void zkServersCommandStartsCoordinatorOnTheZooCfgAndSigtermStopsIt() throws Exception {
        int clientPort = LoopbackPorts.next();
        int adminPort = LoopbackPorts.next();
        Path data = Files.createDirectories(dir.resolve("data"));
        Path cfg = Files.writeString(
                dir.resolve("zoo.cfg"),
                String.join(
                        "\n",
                        "tickTime=2000",
                        "dataDir=" + data,
                        "clientPort=" + clientPort,
                        "admin.serverPort=" + adminPort,
                        "4lw.commands.whitelist=*",
                        ""),
                UTF_8);
        ServerProcess server = new ServerProcess(
                "quorum-peer-main",
                List.of(
                        Jars.java().toString(),
                        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                        "-Dcoordinator.launcher.cache=" + dir.resolve("launcher-cache"),
                        "-Xmx256m",
                        "-cp",
                        Jars.classPath(),
                        "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                        cfg.toString()),
                dir.resolve("server.log"));
        try {
            server.startListening(clientPort, Duration.ofSeconds(180));

            ZooKeeper zk = connect(clientPort);
            try {
                zk.create(
                        "/launched",
                        "by QuorumPeerMain".getBytes(UTF_8),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                assertThat(new String(zk.getData("/launched", false, null), UTF_8))
                        .isEqualTo("by QuorumPeerMain");
            } finally {
                zk.close();
            }
            assertThat(server.logTail(400))
                    .contains("Starting CoordinatorApplication")
                    .contains("(data in " + data + ")")
                    .contains(dir.resolve("launcher-cache").toString()); // run from the unpacked jar
            server.awaitListening(adminPort, Duration.ofSeconds(180)); // the web layer starts after the client port
            HttpResponse<String> ruok = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/commands/ruok"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(ruok.statusCode()).isEqualTo(200);
            assertThat(ruok.body()).contains("\"command\"").contains("ruok");

            server.stop(); // SIGTERM
            Process p = server.process().orElseThrow();
            assertThat(p.isAlive()).isFalse();
            assertThat(p.exitValue()).as("exit status after SIGTERM").isEqualTo(143);
            assertThat(server.logTail(400))
                    .contains("Client port " + clientPort + " stopped")
                    .doesNotContain(" ERROR ");
        } finally {
            server.close();
        }
    }

    /**
     * The server runs in a JVM of its own, the launcher's child: its first run records a class-data archive when it
     * stops, the next run maps it, and the server stops by itself when the launcher's JVM is killed.
     */
    @Test
    void theServerRecordsAClassDataArchiveOnceAndStopsWhenTheLauncherIsKilled() throws Exception {
        int clientPort = LoopbackPorts.next();
        Path cache = dir.resolve("launcher-cache");
        Path cfg = Files.writeString(
                dir.resolve("zoo.cfg"),
                "tickTime=2000\ndataDir=" + Files.createDirectories(dir.resolve("data")) + "\nclientPort=" + clientPort
                        + "\nadmin.serverPort=0\n",
                UTF_8);
        List<String> command = List.of(
                Jars.java().toString(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-Dcoordinator.launcher.cache=" + cache,
                "-Xmx256m",
                "-cp",
                Jars.classPath(),
                QUORUM_PEER_MAIN,
                cfg.toString());

        try (ServerProcess first = new ServerProcess("first", command, dir.resolve("first.log"))) {
            first.startListening(clientPort, Duration.ofSeconds(180));
            assertThat(serverJvm(first)).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="));
            first.stop(); // SIGTERM to the launcher, passed on; the archive is written as the server's JVM exits
            assertThat(first.process().orElseThrow().exitValue()).isEqualTo(143);
        }
        Path archive;
        try (var files = Files.walk(cache)) {
            archive = files.filter(f -> f.getFileName().toString().matches("app-[0-9a-f]+\\.jsa"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no class-data archive under " + cache));
        }
        assertThat(Files.size(archive)).isPositive();

        try (ServerProcess second = new ServerProcess("second", command, dir.resolve("second.log"))) {
            second.startListening(clientPort, Duration.ofSeconds(180));
            ProcessHandle serverJvm =
                    second.process().orElseThrow().children().findFirst().orElseThrow();
            assertThat(serverJvm(second)).contains("-XX:SharedArchiveFile=" + archive);
            connect(clientPort).close();

            second.kill(); // SIGKILL: the launcher cannot pass anything on
            assertThat(serverJvm.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(second.logTail(100)).contains("the launcher's JVM (pid");
        }
    }

    /**
     * The command line of the launcher's child, the server's JVM (from /proc: ProcessHandle.Info has no arguments
     * for a command line as long as its class path).
     */
    private static List<String> serverJvm(ServerProcess launcher) throws IOException {
        ProcessHandle child = launcher.process()
                .orElseThrow()
                .children()
                .findFirst()
                .orElseThrow(() -> new AssertionError("the launcher started no JVM for the server"));
        String cmdline = Files.readString(Path.of("/proc", Long.toString(child.pid()), "cmdline"), UTF_8);
        return List.of(cmdline.split("\0"));
    }

    /** Where the jar cannot be unpacked, the launcher says why and runs the server through Spring Boot's launcher. */
    @Test
    void anUnusableCacheFallsBackToTheFatJarAndSaysWhy() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("cache-is-a-file"), "");
        // a zoo.cfg the server itself refuses at once: its refusal shows the server ran, then the process ends
        Path cfg = Files.writeString(
                dir.resolve("zoo.cfg"), "tickTime=0\ndataDir=" + dir.resolve("data") + "\nclientPort=2181\n");
        Result r = run(List.of(
                "-Dcoordinator.launcher.cache=" + notADirectory,
                "-cp",
                Jars.classPath(),
                QUORUM_PEER_MAIN,
                cfg.toString()));
        assertThat(r.output())
                .contains("without unpacking it first")
                .contains(notADirectory.toString())
                .contains("APPLICATION FAILED TO START")
                .contains("coordinator.tickTime");
        assertThat(r.status()).isNotZero();
    }

    @Test
    void withoutTheServerJarItSaysWhichJarIsMissing() throws Exception {
        Path cfg = Files.writeString(dir.resolve("zoo.cfg"), "dataDir=" + dir + "\n");
        Result r = run(List.of("-cp", Jars.launcher().toString(), QUORUM_PEER_MAIN, cfg.toString()));
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.output())
                .contains("org.springframework.boot.loader.launch.JarLauncher is not on the class path")
                .contains("coordinator-server.jar");
    }

    @Test
    void withoutAReadableZooCfgItNamesTheFile() throws Exception {
        Path missing = dir.resolve("no-such-zoo.cfg");
        Result r = run(List.of("-cp", Jars.classPath(), QUORUM_PEER_MAIN, missing.toString()));
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.output()).contains(missing + " is not a readable zoo.cfg file");
    }

    private static final String QUORUM_PEER_MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain";

    private record Result(int status, String output) {}

    private Result run(List<String> args) throws IOException, InterruptedException {
        Path out = dir.resolve("out.txt");
        List<String> cmd = new java.util.ArrayList<>(List.of(Jars.java().toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 60 s: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out, UTF_8));
    }

    private static ZooKeeper connect(int port) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(60, TimeUnit.SECONDS)) {
            zk.close();
            throw new AssertionError("no session from 127.0.0.1:" + port + " within 60 s");
        }
        return zk;
    }
}
