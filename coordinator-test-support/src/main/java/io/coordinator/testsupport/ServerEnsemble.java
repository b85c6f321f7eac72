package io.coordinator.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * N server processes on 127.0.0.1 (one is a standalone server), each with its own ports, data directory
 * ({@code dir/node<i>}) and log ({@code dir/node<i>.log}), started from a command the caller builds per member
 * (Coordinator with {@link CoordinatorLauncher}, or anything that answers {@code srvr}). Members can be killed,
 * stopped, paused and started again on the same ports and data.
 */
public final class ServerEnsemble implements AutoCloseable {
    /** The command line of one member; gets the ensemble, for the other members' ports. */
    public interface Command extends BiFunction<ServerEnsemble, Member, List<String>> {}

    private final Path dir;
    private final List<Member> members = new ArrayList<>();
    private final List<ServerProcess> processes = new ArrayList<>();

    public ServerEnsemble(int size, Path dir, String name, Command command) throws IOException {
        this.dir = dir;
        for (Member m : Member.allocate(size, dir)) {
            Files.createDirectories(m.dataDir());
            members.add(m);
        }
        for (Member m : members) {
            processes.add(new ServerProcess(name + "-" + m.id(), command.apply(this, m), m.log()));
        }
    }

    public Path dir() {
        return dir;
    }

    public int size() {
        return members.size();
    }

    public List<Member> members() {
        return members;
    }

    public Member member(int id) {
        return members.get(id - 1);
    }

    public ServerProcess process(int id) {
        return processes.get(id - 1);
    }

    /** All members, as a client lists them. */
    public String connectString() {
        return members.stream().map(Member::address).collect(Collectors.joining(","));
    }

    /** Coordinator's ensemble setting: {@code id=127.0.0.1:quorum:election;client,...}. */
    public String coordinatorEnsemble() {
        return members.stream()
                .map(m -> m.id() + "=127.0.0.1:" + m.quorumPort() + ":" + m.electionPort() + ";" + m.clientPort())
                .collect(Collectors.joining(","));
    }

    public void startAll() throws IOException {
        for (ServerProcess p : processes) {
            p.start();
        }
    }

    /** (Re)starts one member with its original ports and data directory. */
    public void start(int id) throws IOException {
        process(id).start();
    }

    /** SIGKILL one member and wait for it to be gone. */
    public void kill(int id) throws InterruptedException {
        process(id).kill();
    }

    /** SIGTERM one member and wait (bounded) for it to exit. */
    public void stop(int id) throws InterruptedException {
        process(id).stop();
    }

    public boolean isRunning(int id) {
        return process(id).isAlive();
    }

    /** The member's mode from {@code srvr}, or null while it does not serve (or is paused or down). */
    public String mode(int id) {
        ServerProcess p = process(id);
        return p.isAlive() && !p.isPaused() ? FourLetterWord.mode(member(id).clientPort()) : null;
    }

    /** Id of the member that says it leads (or serves standalone), or 0. */
    public int leaderId() {
        for (Member m : members) {
            String mode = mode(m.id());
            if ("leader".equals(mode) || "standalone".equals(mode)) {
                return m.id();
            }
        }
        return 0;
    }

    /** True when every member runs and serves (not read-only), and exactly one leads (or the only one stands alone). */
    public boolean ready() {
        int leaders = 0;
        for (Member m : members) {
            String mode = mode(m.id());
            if (mode == null || mode.equals("read-only")) {
                return false;
            }
            leaders += mode.equals("leader") || mode.equals("standalone") ? 1 : 0;
        }
        return leaders == 1;
    }

    /** Waits (bounded) until {@link #ready()}; a member that exits fails at once, with its log. */
    public void awaitReady(Duration max) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!ready()) {
            for (ServerProcess p : processes) {
                p.failIfExited();
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("ensemble not ready after " + max + "; logs in " + dir);
            }
            Thread.sleep(50); // polling other processes: there is no event to wait for
        }
    }

    /** Kills every member (SIGKILL). */
    @Override
    public void close() {
        processes.forEach(ServerProcess::close);
    }
}
