package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.ZooKeeperMain;
import org.apache.zookeeper.cli.CliCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zkCli, the shell of an Apache ZooKeeper distribution ({@code bin/zkCli.sh} runs {@link ZooKeeperMain}),
 * runs the same commands against ZooKeeper 3.9.5 and Coordinator; what it prints must be the same once
 * times, zxids and session ids are masked.
 */
class ZkCliComparisonTest {
    private static final List<String> SCRIPT = List.of(
            "create /cli hello",
            "create /cli/a",
            "create -e /cli/eph e",
            "create -s /cli/seq- s",
            "create -s /cli/seq- s",
            "create -e -s /cli/eseq-",
            "create /cli/a",
            "create /cli/x/y",
            "ls /cli",
            "ls -s /cli",
            "get /cli",
            "get -s /cli",
            "set /cli world",
            "get -s /cli",
            "stat /cli",
            "stat /cli/nope",
            "set -v 7 /cli x",
            "delete /cli",
            "delete -v 3 /cli/a",
            "delete /cli/a",
            "create /cli/d1",
            "create /cli/d1/d2 two",
            "create /cli/d1/d2/d3 three",
            "create /cli/d1/d4",
            "ls -R /cli",
            "getAllChildrenNumber /cli",
            "deleteall /cli/d1",
            "ls /cli",
            "getAcl /cli",
            "setAcl /cli world:anyone:cdrwa",
            "getAcl -s /cli",
            "addauth digest alice:secret",
            "create /cli/wrongacl p digest:alice:secret:cdrwa",
            "getAcl /cli/wrongacl",
            "create /cli/private p digest:alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=:cdrwa",
            "getAcl /cli/private",
            "setAcl /cli/private auth::cdrwa",
            "getAcl /cli/private",
            "whoami",
            "create -c /cli/cont",
            "create -t 60000 /cli/ttl",
            "stat /cli/cont",
            "getEphemerals /cli",
            "setquota -n 10 /cli",
            "listquota /cli",
            "delquota -n /cli",
            "listquota /cli",
            "sync /cli",
            "config",
            "get /zookeeper/config",
            "ls /zookeeper",
            "stat /zookeeper",
            "delete /zookeeper",
            "deleteall /cli",
            "ls /");

    @TempDir
    Path dir;

    @Test
    void zkCliPrintsTheSameAgainstBothServers() throws Exception {
        String zookeeper = transcript(Servers.Kind.ZOOKEEPER);
        String coordinator = transcript(Servers.Kind.COORDINATOR);
        Files.createDirectories(Path.of("target", "golden"));
        Files.writeString(Path.of("target", "golden", "zkcli-zookeeper.txt"), zookeeper);
        Files.writeString(Path.of("target", "golden", "zkcli-coordinator.txt"), coordinator);
        assertThat(coordinator).isEqualTo(zookeeper);
        assertThat(zookeeper).contains("Created /cli/seq-0000000002").contains("cZxid = Z");
    }

    private String transcript(Servers.Kind kind) throws Exception {
        Path d = Files.createDirectories(dir.resolve(kind.name().toLowerCase()));
        try (ServerUnderTest server = Servers.start(kind, d)) {
            CompletableFuture<Void> connected = new CompletableFuture<>();
            ZooKeeper zk = new ZooKeeper(server.connectString(), 30_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.complete(null);
                }
            });
            connected.get(30, TimeUnit.SECONDS);
            ZooKeeperMain cli = new ZooKeeperMain(zk);
            StringBuilder out = new StringBuilder();
            PrintStream stdout = System.out;
            PrintStream stderr = System.err;
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
            // zkCli's commands keep the System.out they saw when ZooKeeperMain was loaded: point them at ours.
            for (CliCommand command : commands()) {
                command.setOut(capture);
                command.setErr(capture);
            }
            try {
                System.setOut(capture);
                System.setErr(capture);
                for (String line : SCRIPT) {
                    buf.reset();
                    cli.executeLine(line);
                    capture.flush();
                    out.append("> ").append(line).append('\n').append(buf.toString(StandardCharsets.UTF_8));
                }
            } finally {
                System.setOut(stdout);
                System.setErr(stderr);
                zk.close();
            }
            return mask(out.toString(), zk.getSessionId());
        }
    }

    @SuppressWarnings("unchecked")
    private static Iterable<CliCommand> commands() throws ReflectiveOperationException {
        Field f = ZooKeeperMain.class.getDeclaredField("commandMapCli");
        f.setAccessible(true);
        return ((Map<String, CliCommand>) f.get(null)).values();
    }

    /** Times become T; each zxid becomes Z1, Z2... by first appearance; the session id becomes S. */
    static String mask(String text, long sessionId) {
        String s =
                text.replace("0x" + Long.toHexString(sessionId), "S").replaceAll("(?m)^(ctime|mtime) = .*$", "$1 = T");
        Map<String, String> zxids = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(cZxid|mZxid|pZxid) = (0x[0-9a-f]+)$").matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String z = zxids.computeIfAbsent(m.group(2), k -> "Z" + (zxids.size() + 1));
            m.appendReplacement(sb, m.group(1) + " = " + z);
        }
        m.appendTail(sb);
        // The in-process servers log to the same console; keep only what zkCli printed.
        List<String> lines = new ArrayList<>();
        for (String line : sb.toString().split("\n", -1)) {
            if (!line.matches("^(\\d{4}-\\d\\d-\\d\\dT)?\\d\\d:\\d\\d:\\d\\d[.,]\\d+.*")) {
                lines.add(line);
            }
        }
        return String.join("\n", lines);
    }
}
