package io.coordinator.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One server child process that can be started again with the same command: its output is appended to one log
 * (a header line per start), it can be stopped (SIGTERM), killed (SIGKILL), paused (SIGSTOP) and resumed
 * (SIGCONT), and a JVM shutdown hook kills whatever is still running. The child gets none of this JVM's
 * {@code COORDINATOR_*} variables: the server reads them as settings and refuses unknown ones.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Set<Process> RUNNING = Collections.synchronizedSet(new HashSet<>());
    private static final Duration EXIT_WAIT = Duration.ofSeconds(30);

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            synchronized (RUNNING) {
                                RUNNING.forEach(ServerProcess::killNow);
                            }
                        },
                        "kill-server-processes"));
    }

    private final String name;
    private final List<String> command;
    private final Path log;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Process process;
    /** Whether the last process was ended by {@link #kill()} or {@link #stop()} rather than by itself. */
    private boolean ended;

    private boolean paused;
    private int starts;

    public ServerProcess(String name, List<String> command, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
    }

    /** A variable the child gets on top of the inherited environment (for tests of the server's own handling). */
    public ServerProcess environment(String key, String value) {
        environment.put(key, value);
        return this;
    }

    public String name() {
        return name;
    }

    public List<String> command() {
        return command;
    }

    public Path log() {
        return log;
    }

    /** How many times this process was started. */
    public synchronized int starts() {
        return starts;
    }

    public synchronized void start() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        starts++;
        Files.createDirectories(log.toAbsolutePath().getParent());
        Files.writeString(
                log,
                "==== start " + starts + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.toUpperCase(Locale.ROOT).startsWith("COORDINATOR"));
        pb.environment().putAll(environment);
        process = pb.start();
        RUNNING.add(process);
        ended = false;
        paused = false;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized boolean isPaused() {
        return paused;
    }

    /** The running (or last) process, for its pid and exit value; empty before the first start. */
    public synchronized Optional<Process> process() {
        return Optional.ofNullable(process);
    }

    /** SIGKILL: no goodbye to peers or clients. Waits (bounded) for the process to be gone. */
    public void kill() throws InterruptedException {
        end(true);
    }

    /** SIGTERM: a graceful shutdown; SIGKILL if it has not exited within the bound. */
    public void stop() throws InterruptedException {
        end(false);
    }

    private synchronized void end(boolean force) throws InterruptedException {
        if (process == null) {
            return;
        }
        if (paused && !force) {
            signalQuietly(process, "CONT"); // a stopped process cannot handle SIGTERM
        }
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        if (!process.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        RUNNING.remove(process);
        ended = true;
        paused = false;
    }

    /** SIGSTOP: the process stays, silent, until {@link #resume()}. */
    public synchronized void pause() throws IOException, InterruptedException {
        signal("STOP");
        awaitStopped(true); // kill returns before every thread has stopped: a busy one may still answer
        paused = true;
    }

    /** SIGCONT. */
    public synchronized void resume() throws IOException, InterruptedException {
        signal("CONT");
        awaitStopped(false);
        paused = false;
    }

    /**
     * Waits (bounded) until the kernel reports every thread of the process stopped, or running again: the state
     * letter in {@code /proc/<pid>/task/<tid>/stat} ('T' while stopped). Where there is no /proc, returns at once.
     */
    private void awaitStopped(boolean stopped) throws IOException, InterruptedException {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (isAlive() && Files.isDirectory(tasks)) {
            Character other = threadNotIn(tasks, stopped);
            if (other == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("process " + process.pid() + " has a thread in state " + other + " after kill");
            }
            Thread.sleep(5);
        }
    }

    /** The state of a thread that is not (yet) stopped, or running, as wanted; null when all are. */
    private static Character threadNotIn(Path tasks, boolean stopped) {
        try (var threads = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                String text;
                try {
                    text = Files.readString(t.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                // "tid (comm) S ...": the state follows the last ')', as comm may hold spaces or parentheses
                char state = text.substring(text.lastIndexOf(')') + 2).charAt(0);
                if (state != 'Z' && state != 'X' && (state == 'T' || state == 't') != stopped) { // exiting ones pass
                    return state;
                }
            }
        } catch (IOException gone) {
            return null; // the process exited
        }
        return null;
    }

    private void signal(String sig) throws IOException, InterruptedException {
        if (!isAlive()) {
            return;
        }
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException("kill -" + sig + " " + process.pid() + " failed");
        }
    }

    /** Starts, and waits (bounded) until it accepts connections on 127.0.0.1:port; kills it if it does not. */
    public void startListening(int port, Duration max) throws IOException, InterruptedException {
        start();
        try {
            awaitListening(port, max);
        } catch (IOException | InterruptedException | RuntimeException e) {
            kill();
            throw e;
        }
    }

    /**
     * Waits (bounded) until something accepts connections on 127.0.0.1:port; fails at once, with the end of the
     * log, if the process exits first.
     */
    public void awaitListening(int port, Duration max) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            failIfExited();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(name + ": nothing listening on 127.0.0.1:" + port + " after " + max
                            + "; log:\n" + logTail(40));
                }
                Thread.sleep(50); // polling a port of another process: there is no event to wait for
            }
        }
    }

    /** Throws, with the end of the log, if the process was started and has exited by itself. */
    public synchronized void failIfExited() throws IOException {
        if (process != null && !ended && !process.isAlive()) {
            throw new IOException(name + " exited (" + process.exitValue() + "); log:\n" + logTail(40));
        }
    }

    /** The last lines of the log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Kills it (SIGKILL); an interrupt while waiting for the exit is kept for the caller. */
    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void killNow(Process p) {
        signalQuietly(p, "CONT"); // SIGKILL works on a stopped process, but its children may be stopped too
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static void signalQuietly(Process p, String sig) {
        try {
            new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid()))
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // best effort
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
