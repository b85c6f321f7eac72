package io.coordinator.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to run the packaged Coordinator server: which java, which JVM options, and either the executable jar or a
 * CDS layout (the extracted jar with its AppCDS archive, as {@code coordinator-server/cds.sh} prepares it). The
 * settings are the caller's: each harness keeps its own policy and passes it as arguments.
 */
public final class CoordinatorLauncher {
    /** The system property the build sets to the packaged jar. */
    public static final String JAR_PROPERTY = "coordinator.server.jar";

    private final Path java;
    private final List<String> jvmOptions;
    private final List<String> launch;

    private CoordinatorLauncher(Path java, List<String> jvmOptions, List<String> launch) {
        this.java = java;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.launch = List.copyOf(launch);
    }

    /** The jar named by {@value #JAR_PROPERTY}; fails with what to do when it is not there. */
    public static CoordinatorLauncher fromSystemProperty() {
        String jar = System.getProperty(JAR_PROPERTY);
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException(JAR_PROPERTY + " not found (" + jar
                    + "): package coordinator-server first (mvn -o -q -B -pl coordinator-server -DskipTests package)");
        }
        return jar(Path.of(jar));
    }

    /** {@code java -jar <jar>} with this JVM's java. */
    public static CoordinatorLauncher jar(Path jar) {
        return new CoordinatorLauncher(
                javaOf(Path.of(System.getProperty("java.home"))),
                List.of(),
                List.of("-jar", jar.toAbsolutePath().toString()));
    }

    /** From a CDS layout: its {@code coordinator-server.jar} with the archive {@code app.jsa}. */
    public static CoordinatorLauncher cds(Path layout) {
        return new CoordinatorLauncher(
                javaOf(Path.of(System.getProperty("java.home"))),
                List.of(),
                List.of(
                        "-XX:SharedArchiveFile=" + layout.resolve("app.jsa"),
                        "-jar",
                        layout.resolve("coordinator-server.jar").toString()));
    }

    /** The same, run by the java of another JDK. */
    public CoordinatorLauncher javaHome(Path home) {
        return new CoordinatorLauncher(javaOf(home), jvmOptions, launch);
    }

    /** The same, with these JVM options (heap, GC, ...) before the jar. */
    public CoordinatorLauncher jvmOptions(String... options) {
        List<String> all = new ArrayList<>(jvmOptions);
        all.addAll(List.of(options));
        return new CoordinatorLauncher(java, all, launch);
    }

    /**
     * The same with {@code entries} on the server's class path too (Spring Boot's PropertiesLauncher and its
     * {@code loader.path} instead of the jar's own launcher): for test-only classes such as
     * {@link PlantedBugMarker}.
     */
    public CoordinatorLauncher loaderPath(Path... entries) {
        List<String> l = new ArrayList<>(launch);
        int jar = l.indexOf("-jar");
        List<String> paths = new ArrayList<>();
        for (Path p : entries) {
            paths.add(p.toAbsolutePath().toString());
        }
        l.set(jar, "-Dloader.path=" + String.join(",", paths));
        l.add(jar + 1, "-cp");
        l.add("org.springframework.boot.loader.launch.PropertiesLauncher");
        return new CoordinatorLauncher(java, jvmOptions, l);
    }

    /** The command line that runs the server with these application arguments. */
    public List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        // the server's temporary files (Tomcat's work directory) go where this JVM's go: the build's test-tmp
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        cmd.addAll(jvmOptions);
        cmd.addAll(launch);
        cmd.addAll(args);
        return cmd;
    }

    /** The arguments that make a member of {@code ensemble}: its id, the ensemble, its client port and data. */
    public static List<String> memberArgs(ServerEnsemble ensemble, Member m) {
        return memberArgs(m, ensemble.coordinatorEnsemble());
    }

    /** The same with an ensemble string of the caller's (e.g. peers reached through proxies). */
    public static List<String> memberArgs(Member m, String ensemble) {
        return List.of(
                "--coordinator.server-id=" + m.id(),
                "--coordinator.ensemble=" + ensemble,
                "--coordinator.client-port=" + m.clientPort(),
                "--coordinator.data-dir=" + m.dataDir());
    }

    private static Path javaOf(Path home) {
        return home.resolve("bin").resolve("java");
    }
}
