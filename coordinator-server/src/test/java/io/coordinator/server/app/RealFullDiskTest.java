package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coordinator.testsupport.LoopbackPorts;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link FullDiskServerTest}'s full disk on a real file system instead of the storage hook: the data directory lies
 * on a 160 MiB tmpfs mounted for the test, a filler file takes its free space, and clients write until the log can
 * no longer grow (the kernel's ENOSPC). The server acknowledges nothing it could not write, stops serving, says why
 * in its health, and once the filler is gone starts again from its data on its own, with every acknowledged write.
 * Mounting needs root with CAP_SYS_ADMIN (the build machine and CI run as such); where the kernel refuses the mount
 * the test is skipped saying why, and the hook's test stands for it.
 */
@EnabledOnOs(OS.LINUX)
class RealFullDiskTest {
    /** Room for the log's first 64 MiB segment, the filler, and the next 64 MiB once the filler is gone. */
    private static final String SIZE = "160m";

    @TempDir
    Path dir;

    private Path mount;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = Files.createDirectories(dir.resolve("fs"));
        Command result = run("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "tmpfs", mount.toString());
        Assumptions.assumeTrue(result.status() == 0, () -> "cannot mount a tmpfs here: " + result.output());
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null && run("mountpoint", "-q", mount.toString()).status() == 0) {
            Command result = run("umount", mount.toString());
            assertThat(result.status()).as("umount: %s", result.output()).isZero();
        }
    }

    @Test
    void aServerOnAFileSystemThatFillsUpStopsSaysWhyAndResumesOnceThereIsRoom() throws Exception {
        int port = LoopbackPorts.next();
        Path data = mount.resolve("data");
        List<String> acked = new ArrayList<>();
        try (ConfigurableApplicationContext ctx = CoordinatorApplication.application()
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--coordinator.client-port=" + port,
                        "--coordinator.data-dir=" + data)) {
            CoordinatorServer server = ctx.getBean(CoordinatorServer.class);
            Path filler = mount.resolve("filler");
            try (ZooKeeper zk = TestClients.connect(port)) {
                for (int i = 0; i < 20; i++) {
                    acked.add(zk.create("/n" + i, new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                }
                long filled = fill(filler);
                byte[] value = new byte[100 * 1024];
                // the log's preallocated segment still takes writes; the one that needs it to grow fails
                boolean refused = false;
                for (int i = 0; i < 2_000 && !refused; i++) {
                    try {
                        String p = "/big" + i;
                        acked.add(zk.create(p, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                    } catch (KeeperException e) {
                        refused = true;
                    }
                }
                assertThat(refused)
                        .as("a write was refused once the file system was full (filler %d bytes)", filled)
                        .isTrue();
                FullDiskServerTest.assertStoppedForAFullDisk(ctx, data);
            }

            Files.delete(filler);
            await().atMost(Duration.ofSeconds(60)).until(server::isServing);
            try (ZooKeeper again = TestClients.connect(port)) {
                for (String p : acked) {
                    assertThat(again.exists(p, false))
                            .as(p + " was acknowledged")
                            .isNotNull();
                }
                again.create("/resumed", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            System.out.printf(
                    "real full disk: %d writes acknowledged before the tmpfs filled, all there after resuming%n",
                    acked.size());
        }
    }

    /** Writes {@code file} until the file system has no room left; returns its size. */
    private static long fill(Path file) throws IOException {
        byte[] chunk = new byte[1 << 20];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left on device")) {
                throw full;
            }
        }
        return written;
    }

    private record Command(int status, String output) {}

    private static Command run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Command(-1, command[0] + " did not finish in 30 s");
        }
        return new Command(p.exitValue(), out);
    }
}
