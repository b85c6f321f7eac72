package io.coordinator.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void createsLayout() throws IOException {
        Path root = tmp.resolve("data");
        try (DataDirectory dd = DataDirectory.open(root)) {
            assertThat(dd.logDir()).isDirectory().isEqualTo(root.resolve("log"));
            assertThat(dd.snapshotDir()).isDirectory().isEqualTo(root.resolve("snapshot"));
            assertThat(root.resolve("lock")).exists();
            assertThat(Files.readString(root.resolve("lock")))
                    .contains("pid " + ProcessHandle.current().pid());
        }
    }

    @Test
    void lockRefusesASecondOpener() throws IOException {
        Path root = tmp.resolve("data");
        DataDirectory first = DataDirectory.open(root);
        assertThatThrownBy(() -> DataDirectory.open(root))
                .isInstanceOf(DataDirectory.DataDirectoryLockedException.class)
                .hasMessageContaining("in use by another Coordinator server")
                .hasMessageContaining(root.toAbsolutePath().toString());
        first.close();
        try (DataDirectory again = DataDirectory.open(root)) {
            assertThat(again.root()).isEqualTo(root);
        }
    }

    @Test
    void lockRefusesAnotherProcess() throws Exception {
        Path root = tmp.resolve("data");
        try (DataDirectory first = DataDirectory.open(root)) {
            // a separate JVM must not get the OS lock either
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path src = tmp.resolve("TryLock.java");
            Files.writeString(src, """
                    import java.nio.channels.FileChannel;
                    import java.nio.file.*;
                    public class TryLock {
                        public static void main(String[] a) throws Exception {
                            try (FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE)) {
                                System.out.print(ch.tryLock() == null ? "refused" : "acquired");
                            }
                        }
                    }
                    """);
            Process p = new ProcessBuilder(
                            java, src.toString(), root.resolve("lock").toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).isZero();
            assertThat(out).isEqualTo("refused");
        }
    }
}
