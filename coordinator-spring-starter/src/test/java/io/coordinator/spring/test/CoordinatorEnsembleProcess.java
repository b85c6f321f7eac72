package io.coordinator.spring.test;

import io.coordinator.testsupport.CoordinatorLauncher;
import io.coordinator.testsupport.Member;
import io.coordinator.testsupport.ServerEnsemble;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.zookeeper.ZooKeeper;

/**
 * A real 3-member (or n-member) Coordinator ensemble: the executable server jar started n times as separate JVMs
 * on 127.0.0.1, with the same session secret (so a session moves between members) and tick time 500 ms. Members
 * can be killed (SIGKILL), stopped (SIGTERM) and started again on the same ports and data directory. The
 * processes are the shared {@link ServerEnsemble}'s; the settings here are the starter's.
 */
public final class CoordinatorEnsembleProcess implements AutoCloseable {
    public static final int TICK_MS = CoordinatorServerProcess.TICK_MS;
    private static final Pattern REMOTE = Pattern.compile("remoteserver:\\S*:(\\d+)");

    private final ServerEnsemble ensemble;

    private CoordinatorEnsembleProcess(ServerEnsemble ensemble) {
        this.ensemble = ensemble;
    }

    /** Starts all members and waits until every one serves, with one leader. */
    public static CoordinatorEnsembleProcess launch(int size) throws Exception {
        CoordinatorLauncher launcher = CoordinatorLauncher.fromSystemProperty().jvmOptions("-Xmx256m", "-XX:TieredStopAtLevel=1");
        ServerEnsemble ensemble = new ServerEnsemble(size, Files.createTempDirectory("coordinator-ensemble"),
                "coordinator", (e, m) -> launcher.command(args(e, m)));
        try {
            ensemble.startAll();
            ensemble.awaitReady(Duration.ofSeconds(90));
        } catch (Exception e) {
            ensemble.close();
            throw e;
        }
        return new CoordinatorEnsembleProcess(ensemble);
    }

    private static List<String> args(ServerEnsemble e, Member m) {
        List<String> args = new ArrayList<>(CoordinatorLauncher.memberArgs(e, m));
        args.addAll(List.of("--coordinator.session-secret=ensemble-test-secret-0123456789abcdef",
                "--coordinator.tick-time=" + TICK_MS,
                "--coordinator.init-limit=10",
                "--coordinator.sync-limit=5",
                "--coordinator.container-check-interval=1s",
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--logging.level.root=warn"));
        return args;
    }

    public List<Member> members() {
        return ensemble.members();
    }

    public Member member(int id) {
        return ensemble.member(id);
    }

    /** All members, as a client lists them. */
    public String connectString() {
        return ensemble.connectString();
    }

    /** (Re)starts one member with its original ports and data directory. */
    public void start(int id) throws IOException {
        ensemble.start(id);
    }

    /** SIGKILL: no goodbye to peers or clients. Waits for the process to exit. */
    public void kill(int id) throws InterruptedException {
        ensemble.kill(id);
    }

    /** SIGTERM: the member shuts down gracefully. Waits for the process to exit. */
    public void stop(int id) throws InterruptedException {
        ensemble.stop(id);
    }

    public boolean isRunning(int id) {
        return ensemble.isRunning(id);
    }

    /** The member's mode from {@code srvr} ("leader", "follower", ...), or null while it does not serve. */
    public String mode(int id) {
        return ensemble.mode(id);
    }

    /** Id of the member that currently says it leads, or 0. */
    public int leaderId() {
        return ensemble.leaderId();
    }

    /** True when every member runs and serves and exactly one of them leads. */
    public boolean ready() {
        return ensemble.ready();
    }

    /** Waits (bounded) until {@link #ready()}; a member that exits fails fast with its log. */
    public void awaitReady(Duration max) throws Exception {
        ensemble.awaitReady(max);
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
        return members().stream().filter(x -> x.clientPort() == port).mapToInt(Member::id).findFirst().orElse(0);
    }

    @Override
    public void close() {
        ensemble.close();
    }
}
