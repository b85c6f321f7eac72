package io.coordinator.spring.test;

import io.coordinator.testsupport.CoordinatorLauncher;
import io.coordinator.testsupport.Member;
import io.coordinator.testsupport.ServerEnsemble;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.ZooKeeper;

/**
 * A real 3-member (or n-member) Coordinator ensemble with the starter tests' settings: the executable server jar
 * started n times as separate JVMs on 127.0.0.1 (the shared {@link ServerEnsemble}), with the same session
 * secret (so a session moves between members) and tick time 500 ms.
 */
public final class CoordinatorEnsembleProcess {
    public static final int TICK_MS = CoordinatorServerProcess.TICK_MS;
    private static final Pattern REMOTE = Pattern.compile("remoteserver:\\S*:(\\d+)");

    private CoordinatorEnsembleProcess() {}

    /** Starts all members and waits until every one serves, with one leader. */
    public static ServerEnsemble launch(int size) throws Exception {
        return launch(size, m -> List.of());
    }

    /**
     * Starts all members with {@code extra} settings each (its own {@code --server.port=} replaces the default 0)
     * and waits until every one serves, with one leader.
     */
    public static ServerEnsemble launch(int size, Function<Member, List<String>> extra) throws Exception {
        CoordinatorLauncher launcher =
                CoordinatorLauncher.fromSystemProperty().jvmOptions("-Xmx256m", "-XX:TieredStopAtLevel=1");
        ServerEnsemble ensemble = new ServerEnsemble(
                size,
                Files.createTempDirectory("coordinator-ensemble"),
                "coordinator",
                (e, m) -> launcher.command(args(e, m, extra.apply(m))));
        try {
            ensemble.startAll();
            ensemble.awaitReady(Duration.ofSeconds(90));
        } catch (Exception e) {
            ensemble.close();
            throw e;
        }
        return ensemble;
    }

    private static List<String> args(ServerEnsemble e, Member m, List<String> extra) {
        List<String> args = new ArrayList<>(CoordinatorLauncher.memberArgs(e, m));
        args.addAll(List.of(
                "--coordinator.session-secret=ensemble-test-secret-0123456789abcdef",
                "--coordinator.tick-time=" + TICK_MS,
                "--coordinator.init-limit=10",
                "--coordinator.sync-limit=5",
                "--coordinator.container-check-interval=1s",
                "--server.address=127.0.0.1",
                "--logging.level.root=warn"));
        if (extra.stream().noneMatch(a -> a.startsWith("--server.port="))) {
            args.add("--server.port=0");
        }
        args.addAll(extra);
        return args;
    }

    /** Id of the member a ZooKeeper client is connected to, or 0 when it is not connected. */
    public static int memberOf(ServerEnsemble ensemble, ZooKeeper zk) {
        if (zk == null || !zk.getState().isConnected()) {
            return 0;
        }
        Matcher m = REMOTE.matcher(zk.toString());
        if (!m.find()) {
            return 0;
        }
        int port = Integer.parseInt(m.group(1));
        return ensemble.members().stream()
                .filter(x -> x.clientPort() == port)
                .mapToInt(Member::id)
                .findFirst()
                .orElse(0);
    }
}
