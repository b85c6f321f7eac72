package org.apache.zookeeper.server.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerJvmTest {
    @TempDir
    Path dir;

    private UnpackedServer.Layout layout() {
        return new UnpackedServer.Layout(
                dir, "a.App", List.of(dir.resolve("classes.jar"), dir.resolve("lib/first.jar")));
    }

    private Path launcher() throws Exception {
        return Files.writeString(dir.resolve("launcher.jar"), "jar");
    }

    private static Properties jvm(String version) {
        Properties p = new Properties();
        p.setProperty("java.home", "/usr/lib/jvm/java-17");
        p.setProperty("java.vm.version", version);
        return p;
    }

    @Test
    void theServerGetsAJvmOfItsOwnUnlessAskedNotToOrDebuggedOrRunFromADirectory() throws Exception {
        Path jar = launcher();
        assertThat(ServerJvm.reasonToStayInProcess(List.of("-Xmx1g"), new Properties(), jar))
                .isNull();

        Properties noFork = new Properties();
        noFork.setProperty("coordinator.launcher.fork", "false");
        assertThat(ServerJvm.reasonToStayInProcess(List.of(), noFork, jar)).contains("coordinator.launcher.fork");
        assertThat(ServerJvm.reasonToStayInProcess(
                        List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=5005"), new Properties(), jar))
                .contains("debugger");
        assertThat(ServerJvm.reasonToStayInProcess(List.of(), new Properties(), dir)) // target/classes, say
                .contains("not a jar");
    }

    @Test
    void theFirstRunRecordsTheArchiveAndLaterRunsMapIt() throws Exception {
        Path jar = launcher();
        Path archive = ServerJvm.archive(layout(), jvm("17.0.15+6"), jar);
        Path recordTo = dir.resolve("app.jsa.123.tmp");
        List<String> args = List.of("--coordinator.zoo-cfg=/etc/zoo.cfg");

        List<String> first = ServerJvm.command(
                Path.of("/usr/bin/java"), List.of("-Xmx1g", "-Dx=1"), layout(), jar, archive, recordTo, args);
        assertThat(first)
                .containsExactly(
                        "/usr/bin/java",
                        "-Xmx1g",
                        "-Dx=1",
                        "-XX:ArchiveClassesAtExit=" + recordTo,
                        "-Xlog:cds=off",
                        "-Xlog:cds+dynamic=off",
                        "-cp",
                        dir.resolve("classes.jar") + ":" + dir.resolve("lib/first.jar") + ":" + jar,
                        "org.apache.zookeeper.server.quorum.ServerJvm$Child",
                        "a.App",
                        "--coordinator.zoo-cfg=/etc/zoo.cfg");

        Files.writeString(archive, "archive");
        assertThat(ServerJvm.command(Path.of("java"), List.of(), layout(), jar, archive, recordTo, args))
                .contains("-XX:SharedArchiveFile=" + archive)
                .noneMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"));

        // the operator's own choice of class-data sharing stands
        assertThat(ServerJvm.command(Path.of("java"), List.of("-Xshare:off"), layout(), jar, archive, recordTo, args))
                .noneMatch(a -> a.startsWith("-XX:SharedArchiveFile") || a.startsWith("-XX:ArchiveClassesAtExit"));
    }

    @Test
    void anotherJvmBuildOrLauncherJarHasAnArchiveOfItsOwn() throws Exception {
        Path jar = launcher();
        Path archive = ServerJvm.archive(layout(), jvm("17.0.15+6"), jar);
        assertThat(archive.getParent()).isEqualTo(dir);
        assertThat(archive.getFileName().toString()).startsWith("app-").endsWith(".jsa");
        assertThat(ServerJvm.archive(layout(), jvm("17.0.15+6"), jar)).isEqualTo(archive);

        assertThat(ServerJvm.archive(layout(), jvm("17.0.16+8"), jar)).isNotEqualTo(archive);
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60))); // a new launcher jar
        assertThat(ServerJvm.archive(layout(), jvm("17.0.15+6"), jar)).isNotEqualTo(archive);
    }

    @Test
    void aRecordedArchiveIsPublishedWholeAndAnEmptyOrMissingOneIsDropped() throws Exception {
        Path archive = dir.resolve("app-1.jsa");
        Path recorded = Files.writeString(dir.resolve("app-1.jsa.9.tmp"), "classes");
        ServerJvm.publish(recorded, archive);
        assertThat(archive).hasContent("classes");
        assertThat(recorded).doesNotExist();

        Path empty = Files.createFile(dir.resolve("app-1.jsa.10.tmp")); // the JVM died while writing it
        ServerJvm.publish(empty, archive);
        assertThat(empty).doesNotExist();
        assertThat(archive).hasContent("classes");

        ServerJvm.publish(dir.resolve("never-written.tmp"), archive); // a killed server wrote none
        assertThat(archive).hasContent("classes");
    }

    @Test
    void recordingsOfLaunchersThatAreGoneAreDeletedAndALiveOnesIsKept() throws Exception {
        long gone = 5_000_000; // above Linux's highest pid (2^22)
        Path abandoned = Files.writeString(dir.resolve("app-1a.jsa." + gone + ".tmp"), "partial");
        Path live = Files.writeString(
                dir.resolve("app-1a.jsa." + ProcessHandle.current().pid() + ".tmp"), "now");
        Path archive = Files.writeString(dir.resolve("app-1a.jsa"), "archive");

        ServerJvm.dropAbandonedRecordings(dir);

        assertThat(abandoned).doesNotExist();
        assertThat(live).exists();
        assertThat(archive).exists();
    }
}
