package io.coordinator.launcher;

import io.coordinator.testsupport.CoordinatorLauncher;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** The two jars of a drop-in ZooKeeper start, as the build made them. */
final class Jars {
    static final String LAUNCHER_PROPERTY = "coordinator.launcher.jar";

    private Jars() {}

    static Path server() {
        return existing(CoordinatorLauncher.JAR_PROPERTY);
    }

    static Path launcher() {
        return existing(LAUNCHER_PROPERTY);
    }

    /** {@code coordinator-server.jar:coordinator-zookeeper-launcher.jar}: what ZooKeeper's scripts call the class path. */
    static String classPath() {
        return server() + File.pathSeparator + launcher();
    }

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static Path existing(String property) {
        String jar = System.getProperty(property);
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException(property + " not found (" + jar + "): run the module's tests through"
                    + " Maven with coordinator-server in the reactor (mvn -pl ...,coordinator-server,"
                    + "coordinator-zookeeper-launcher verify), which packages both jars first");
        }
        return Path.of(jar).toAbsolutePath();
    }
}
