package io.coordinator.samples.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One instance of a sample service as a separate JVM (this test's classpath, the sample's main class) on a loopback
 * port, registered with the given server under its own instance id; its output goes to one log file.
 */
final class SampleProcess {
    final String id;
    final int port;
    private final List<String> command;
    private final Path log;
    private Process process;

    SampleProcess(Class<?> main, String id, int port, String connectString, Path logs, String... settings) {
        this(main, id, port, connectString, SampleServicesE2ETest.SESSION_TIMEOUT, logs, settings);
    }

    SampleProcess(
            Class<?> main,
            String id,
            int port,
            String connectString,
            String sessionTimeout,
            Path logs,
            String... settings) {
        this.id = id;
        this.port = port;
        this.log = logs.resolve(id + ".log");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        command = new ArrayList<>(List.of(
                java,
                "-Xmx192m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(SampleServicesE2ETest.common(port, connectString, id, sessionTimeout));
        // the local copies stay in target/ (the surefire settings), one directory per instance
        for (String copy : List.of("coordinator.client.config.local-copy", "coordinator.client.discovery.local-copy")) {
            String dir = System.getProperty(copy);
            if (dir != null) {
                command.add("--" + copy + "=" + dir + "/" + id);
            }
        }
        command.addAll(List.of(settings));
    }

    void start() throws IOException {
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Throws when the process has exited (its log says why), so an await does not wait its whole time for it. */
    void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError(id + " exited with " + process.exitValue() + "; its log: " + log.toAbsolutePath());
        }
    }

    /** SIGTERM, as a rolling restart stops an instance; SIGKILL if it does not exit in time. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }
}
