package io.coordinator.samples.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Maven with a local repository of its own: a {@code settings.xml} whose local repository is a fresh directory
 * and whose only mirror (of every repository) is the user's local repository read as a file repository, so
 * builds resolve what earlier builds downloaded, need no network, and install nothing into the user's
 * {@code ~/.m2}. (Maven 3.8 has no {@code maven.repo.local.tail}.) Version ranges do not resolve this way: a
 * local repository keeps no {@code maven-metadata.xml}. Its parts: the mvn to run, that settings file, and the
 * local repository.
 */
record IsolatedMaven(Path executable, Path settings, Path localRepository) {

    /** A Maven whose local repository is {@code dir/repository}, from the Maven home given (or mvn on the PATH). */
    static IsolatedMaven in(Path dir, String mavenHome) throws IOException {
        Path local = Files.createDirectories(dir.resolve("repository"));
        Path userRepository = Paths.get(System.getProperty("user.home"), ".m2", "repository");
        Path settings = dir.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <localRepository>%s</localRepository>
                  <mirrors>
                    <mirror>
                      <id>user-local-repository</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(local, userRepository.toUri()));
        Path mvn = mavenHome == null || mavenHome.isBlank() ? Paths.get("mvn") : Paths.get(mavenHome, "bin", "mvn");
        return new IsolatedMaven(mvn, settings, local);
    }

    /**
     * Runs {@code mvn -s settings.xml args} in {@code dir}, output to {@code log}; fails with the end of the log
     * when Maven fails or takes longer than {@code max} (then it is killed, with its children).
     */
    void run(Path dir, Path log, Duration max, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "-s", settings.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(max.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", cmd) + " took longer than " + max + "\n" + tail(log));
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(
                    String.join(" ", cmd) + " in " + dir + " exited with " + p.exitValue() + "\n" + tail(log));
        }
    }

    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
