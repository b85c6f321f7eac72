package org.apache.zookeeper.server.quorum;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs the unpacked server ({@link UnpackedServer}) in a JVM of its own with class-data sharing: the first run
 * records the classes it loaded into an archive beside the layout when it exits ({@code -XX:ArchiveClassesAtExit},
 * which makes that one stop a few seconds longer), and later runs map them from it ({@code -XX:SharedArchiveFile}).
 * On 2 cores that brings the client port up ~1.5 s sooner (docs/benchmarks.md, "Restart to serving"): what a
 * restarted ensemble member costs its clients. These are JVM options, so they need a JVM started with them; the one
 * zkServer.sh started stays as the server's parent, with the same JVM options: it passes a stop signal on, waits for
 * the server to stop and exits with its status, and the server stops when its parent dies ({@link Child}).
 *
 * <p>The archive is named for the JVM and the launcher jar that made it, since the JVM ignores an archive made by
 * another build or with another class path; an archive the JVM cannot use only costs the start its speed.
 */
final class ServerJvm {
    /** {@code -Dcoordinator.launcher.fork=false}: run the server in the launcher's JVM, without the archive. */
    static final String FORK_PROPERTY = "coordinator.launcher.fork";

    private static final List<String> DEBUGGER_OPTIONS = List.of("-agentlib:jdwp", "-Xrunjdwp", "-Xdebug");
    private static final List<String> SHARING_OPTIONS =
            List.of("-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit", "-Xshare");

    /** An archive being recorded: {@code app-<key>.jsa.<launcher pid>.tmp}. */
    private static final Pattern RECORDING = Pattern.compile("app-[0-9a-f]+\\.jsa\\.(\\d+)\\.tmp");

    private ServerJvm() {}

    /**
     * Why the server should run in this JVM, or null when it can run in one of its own: not when asked, not with a
     * debugger (the server's JVM would need the same port), and not when the launcher is a directory (an IDE's class
     * path), which class-data sharing does not take.
     */
    static String reasonToStayInProcess(List<String> jvmOptions, Properties system, Path launcher) {
        if ("false".equalsIgnoreCase(system.getProperty(FORK_PROPERTY, "true"))) {
            return FORK_PROPERTY + "=false";
        }
        if (jvmOptions.stream().anyMatch(o -> DEBUGGER_OPTIONS.stream().anyMatch(o::startsWith))) {
            return "a debugger agent is loaded";
        }
        if (launcher == null || !Files.isRegularFile(launcher)) {
            return "the launcher is not a jar";
        }
        return null;
    }

    /** The archive of this JVM build and launcher jar in {@code layout}. */
    static Path archive(UnpackedServer.Layout layout, Properties system, Path launcher) throws IOException {
        String identity = system.getProperty("java.home") + "|" + system.getProperty("java.vm.version") + "|"
                + launcher.toAbsolutePath() + "|" + Files.size(launcher) + "|"
                + Files.getLastModifiedTime(launcher).toMillis();
        return layout.dir().resolve("app-" + Integer.toHexString(identity.hashCode()) + ".jsa");
    }

    /**
     * The server JVM's command line: this JVM's options, the archive (mapped when there is one, else recorded into
     * {@code recordTo}) unless the options already choose class-data sharing, the layout's class path with the
     * launcher jar last, and {@link Child} running the layout's start class with {@code serverArgs}.
     */
    static List<String> command(
            Path java,
            List<String> jvmOptions,
            UnpackedServer.Layout layout,
            Path launcher,
            Path archive,
            Path recordTo,
            List<String> serverArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmOptions);
        if (jvmOptions.stream().noneMatch(o -> SHARING_OPTIONS.stream().anyMatch(o::startsWith))) {
            cmd.add(
                    Files.isRegularFile(archive)
                            ? "-XX:SharedArchiveFile=" + archive
                            : "-XX:ArchiveClassesAtExit=" + recordTo);
            cmd.add("-Xlog:cds=off");
            cmd.add("-Xlog:cds+dynamic=off");
        }
        cmd.add("-cp");
        cmd.add(layout.classPath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator))
                + File.pathSeparator
                + launcher);
        cmd.add(Child.class.getName());
        cmd.add(layout.startClass());
        cmd.addAll(serverArgs);
        return cmd;
    }

    /**
     * Runs the server in its own JVM until it exits; returns its exit status. A stop signal to this JVM is passed on
     * (its shutdown hook stops the server and waits for it). An archive recorded at the server's exit is published
     * under its name in one rename, so concurrent starts never map a partial one.
     */
    static int run(UnpackedServer.Layout layout, Path launcher, List<String> jvmOptions, List<String> serverArgs)
            throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path archive = archive(layout, System.getProperties(), launcher);
        Path recordTo = archive.resolveSibling(
                archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        ProcessBuilder pb = new ProcessBuilder(
                        command(java, jvmOptions, layout, launcher, archive, recordTo, serverArgs))
                .inheritIO();
        // their options are among jvmOptions already; read again by the server's JVM they would count twice
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        AtomicReference<Process> server = new AtomicReference<>();
        Thread passStopOn = new Thread(
                () -> {
                    Process p = server.get();
                    if (p != null && p.isAlive()) {
                        p.destroy(); // SIGTERM: the server stops as it would on its own signal
                        try {
                            p.waitFor();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        publish(recordTo, archive); // this JVM ends with this hook, before run() gets to it
                    }
                },
                "coordinator-launcher-stop");
        Runtime.getRuntime().addShutdownHook(passStopOn);
        // a stop signal before the server started finds nothing to pass on; the server then sees its parent gone
        server.set(pb.start());
        int status = server.get().waitFor();
        publish(recordTo, archive);
        return status;
    }

    /**
     * Deletes archives being recorded for launchers that are gone (killed before they could publish them): each is
     * as large as an archive, and no one will finish it.
     */
    static void dropAbandonedRecordings(Path layoutDir) {
        try (Stream<Path> files = Files.list(layoutDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = RECORDING.matcher(f.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a leftover recording costs disk, not correctness
        }
    }

    /** Renames a recorded archive to its name; one not written (a killed server) or empty is dropped. */
    static synchronized void publish(Path recorded, Path archive) {
        try {
            if (Files.isRegularFile(recorded) && Files.size(recorded) > 0) {
                Files.move(recorded, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(recorded);
            }
        } catch (IOException e) {
            // without the archive the next start is only slower
            System.err.println("QuorumPeerMain: the class-data archive " + recorded + " was not kept (" + e + ")");
        }
    }

    /**
     * The server JVM's main: stops the server when the launcher's JVM dies (a supervisor's SIGKILL would otherwise
     * leave it holding the ports and the data directory), then runs the start class ({@code args[0]}) with the rest.
     */
    static final class Child {
        private Child() {}

        public static void main(String[] args) throws Throwable {
            ProcessHandle.current()
                    .parent()
                    .ifPresent(parent -> parent.onExit().thenRun(() -> {
                        System.err.println(
                                "QuorumPeerMain: the launcher's JVM (pid " + parent.pid() + ") is gone; stopping");
                        System.exit(143);
                    }));
            String[] serverArgs = new String[args.length - 1];
            System.arraycopy(args, 1, serverArgs, 0, serverArgs.length);
            try {
                Class.forName(args[0]).getMethod("main", String[].class).invoke(null, (Object) serverArgs);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
