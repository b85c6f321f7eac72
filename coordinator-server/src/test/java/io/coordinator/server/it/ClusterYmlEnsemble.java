package io.coordinator.server.it;

import io.coordinator.testsupport.CoordinatorLauncher;
import io.coordinator.testsupport.Member;
import io.coordinator.testsupport.ServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real three-process ensemble of the packaged jar started from {@code config/cluster/nodeN.yml}: the ensemble,
 * client ports, data directories (under {@code dir}) and the tick overridden on the command line, any HTTP port,
 * every four-letter word; each start of a member logs to a file of its own, {@code nodeN-runK.log} in {@code dir}.
 */
final class ClusterYmlEnsemble {
    private final Path dir;
    private final String maxHeap;
    private final List<String> settings;
    private final int[] client;
    private final String ensemble;
    private final ServerProcess[] procs = new ServerProcess[3];
    private final Path[] logs = new Path[3];
    private final int[] runs = new int[3];

    /** {@code settings}: more command-line settings of every member. */
    ClusterYmlEnsemble(Path dir, String maxHeap, int tickMs, String... settings) throws IOException {
        this.dir = dir;
        this.maxHeap = maxHeap;
        this.settings = new ArrayList<>(List.of("--coordinator.tick-time=" + tickMs));
        this.settings.addAll(List.of(settings));
        List<Member> members = Member.allocate(3, dir);
        client = Member.clientPorts(members);
        ensemble = Member.ensemble(members);
    }

    /** Starts member {@code i} (0 to 2), again after it was killed: it logs to a new file. */
    void launch(int i) throws IOException {
        runs[i]++;
        logs[i] = dir.resolve("node" + (i + 1) + "-run" + runs[i] + ".log");
        Path yml = Path.of("..", "config", "cluster", "node" + (i + 1) + ".yml")
                .toAbsolutePath()
                .normalize();
        List<String> command = new ArrayList<>(List.of(
                "--spring.config.additional-location=file:" + yml,
                "--coordinator.ensemble=" + ensemble,
                "--coordinator.client-port=" + client[i],
                "--coordinator.data-dir=" + dir.resolve("node" + (i + 1))));
        command.addAll(settings);
        command.addAll(List.of("--coordinator.four-letter-words=*", "--server.port=0", "--server.address=127.0.0.1"));
        procs[i] = new ServerProcess(
                "node" + (i + 1),
                CoordinatorLauncher.jar(CrashRecoveryOnCoordinatorIT.JAR)
                        .jvmOptions("-Xmx" + maxHeap)
                        .command(command),
                logs[i]);
        procs[i].start();
    }

    ServerProcess process(int i) {
        return procs[i];
    }

    int clientPort(int i) {
        return client[i];
    }

    /** The log of member {@code i}'s latest start. */
    Path log(int i) {
        return logs[i];
    }

    /** Every member's client address, comma-separated: a connect string. */
    String connectString() {
        StringBuilder sb = new StringBuilder();
        for (int p : client) {
            sb.append(sb.length() == 0 ? "" : ",").append("127.0.0.1:").append(p);
        }
        return sb.toString();
    }

    /** Member {@code i}'s mode as srvr reports it; null while it is down. */
    String mode(int i) {
        return procs[i] != null && procs[i].isAlive() ? Servers.modeOf(client[i]) : null;
    }

    /** Waits until one member reports that it leads and the two others that they follow. */
    void awaitOneLeaderTwoFollowers(Duration max) throws InterruptedException {
        EnsembleFailoverIT.await("one leader and two followers", max, () -> {
            int leaders = 0;
            int followers = 0;
            for (int i = 0; i < 3; i++) {
                String m = mode(i);
                leaders += "leader".equals(m) ? 1 : 0;
                followers += "follower".equals(m) ? 1 : 0;
            }
            return leaders == 1 && followers == 2;
        });
    }

    List<ServerProcess> processes() {
        List<ServerProcess> started = new ArrayList<>();
        for (ServerProcess p : procs) {
            if (p != null) {
                started.add(p);
            }
        }
        return started;
    }
}
