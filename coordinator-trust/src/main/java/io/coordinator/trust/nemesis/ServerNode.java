package io.coordinator.trust.nemesis;

import io.coordinator.testsupport.CoordinatorLauncher;
import io.coordinator.testsupport.FourLetterWord;
import io.coordinator.testsupport.Member;
import io.coordinator.testsupport.PlantedBugMarker;
import io.coordinator.testsupport.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * One coordinator-server.jar process with the trust harness's settings: its ports, data directory, log, and the
 * storage-fault and clock-offset control files; started, SIGKILLed, paused (SIGSTOP) and resumed (SIGCONT)
 * through the shared {@link ServerProcess}.
 */
public final class ServerNode {
    public final int id;
    /** Whether this member is an observer (it follows the leader's log without voting). */
    public final boolean observer;

    public final int clientPort;
    public final int quorumPort;
    public final int electionPort;
    /** A snapshot every this many txns (the server's default, 100,000, is more than a whole CI run writes). */
    static final int SNAPSHOT_EVERY_TXNS = 500;

    /** The super user the harness's reconfigs authenticate as (digest scheme, {@code user:password}). */
    public static final String SUPER_USER = "super:trust-harness";

    private static final String SUPER_DIGEST = superDigest(SUPER_USER);

    private final Member member;
    private final Path dir;
    private final ServerSettings settings;
    private ServerProcess process;

    public ServerNode(int id, boolean observer, Path dir, ServerSettings settings) throws IOException {
        this.member = Member.allocate(id, dir.resolve("data"), dir.resolve("server.log"));
        this.id = id;
        this.observer = observer;
        this.clientPort = member.clientPort();
        this.quorumPort = member.quorumPort();
        this.electionPort = member.electionPort();
        this.dir = dir;
        this.settings = settings;
        Files.createDirectories(member.dataDir());
    }

    public Path faultsFile() {
        return dir.resolve("storage-faults");
    }

    public Path clockOffsetFile() {
        return dir.resolve("clock-offset");
    }

    public Path logFile() {
        return member.log();
    }

    void setEnsemble(String ensemble) {
        List<String> args = new ArrayList<>(CoordinatorLauncher.memberArgs(member, ensemble));
        args.addAll(List.of(
                "--server.port=0",
                "--server.address=127.0.0.1",
                // no session secret: the ensemble's replicated one, the default users get, moves sessions under faults
                "--coordinator.tick-time=" + settings.tickMs(),
                "--coordinator.init-limit=20",
                "--coordinator.sync-limit=5",
                "--coordinator.max-client-connections=0",
                // a snapshot every few seconds of the workload: rounds cross snapshots, purges and SNAP syncs
                "--coordinator.snapshot-every-txns=" + SNAPSHOT_EVERY_TXNS,
                // reconfig (FaultKind.RECONFIG) by the harness's super user; the workload sends none
                "--coordinator.reconfig-enabled=true",
                "--coordinator.super-digest=" + SUPER_DIGEST,
                "--coordinator.testing.storage-faults-file=" + faultsFile(),
                "--coordinator.testing.clock-offset-file=" + clockOffsetFile(),
                "--logging.level.root=warn",
                "--logging.level.io.coordinator=info"));
        CoordinatorLauncher launcher = CoordinatorLauncher.jar(settings.jar())
                .jvmOptions("-Xmx200m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");
        if (!settings.plant().isEmpty()) {
            launcher = launcher.jvmOptions("-Dcoordinator.plant=" + settings.plant())
                    .loaderPath(markerLocation());
        }
        List<String> cmd = launcher.command(args);
        this.process = new ServerProcess("node" + id, cmd, logFile());
    }

    /** Where the test-only {@link PlantedBugMarker} lives (coordinator-test-support's classes or jar). */
    private static Path markerLocation() {
        try {
            return Path.of(PlantedBugMarker.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public void start() throws IOException {
        process.start();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public boolean isPaused() {
        return process.isPaused();
    }

    /** SIGKILL, and wait for the process to be gone (bounded). */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /** SIGKILL, as {@link #kill()}, for closing the ensemble. */
    public void close() {
        process.close();
    }

    public void pause() throws IOException, InterruptedException {
        process.pause();
    }

    public void resume() throws IOException, InterruptedException {
        process.resume();
    }

    /** Writes the storage-fault control file the server polls ("slow N", "fail", or "" for none). */
    public void storageFault(String command) throws IOException {
        writeAtomically(faultsFile(), command);
    }

    /** Writes the wall-clock offset control file the server polls (signed ms added to its wall clock; 0 = none). */
    public void clockOffset(long millis) throws IOException {
        writeAtomically(clockOffsetFile(), Long.toString(millis));
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether a snapshot is being written: its temporary file ({@code snapshot.<zxid>.<thread>.tmp}) exists. */
    public boolean writingSnapshot() throws IOException {
        try (Stream<Path> files = Files.walk(member.dataDir(), 3)) {
            return files.map(p -> p.getFileName().toString())
                    .anyMatch(n -> n.startsWith("snapshot.") && n.endsWith(".tmp"));
        } catch (UncheckedIOException e) {
            return false; // a file vanished during the walk (a snapshot finished or was purged)
        }
    }

    /** The Mode line of {@code srvr}: leader, follower, ...; null when not serving or not answering. */
    public String mode() {
        return isPaused() || !isAlive() ? null : FourLetterWord.mode(clientPort);
    }

    /** Its {@code server.N=} line for a reconfig {@code -add}: real ports, its role, its client address. */
    public String reconfigLine() {
        return "server." + member.ensembleEntry(observer ? "observer" : "participant");
    }

    private static String superDigest(String userPassword) {
        try {
            return DigestAuthenticationProvider.generateDigest(userPassword);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "node" + id + (observer ? "(observer, client " : "(client ") + clientPort + ")";
    }
}
