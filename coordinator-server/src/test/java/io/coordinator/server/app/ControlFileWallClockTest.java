package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlFileWallClockTest {
    private static final long RECHECK = 100_000_000L; // 100 ms in ns

    @TempDir
    Path dir;

    private final AtomicLong wall = new AtomicLong(1_000_000L);
    private final AtomicLong nanos = new AtomicLong(5_000L);

    private ControlFileWallClock clock(Path file) {
        return new ControlFileWallClock(file, RECHECK, wall::get, nanos::get);
    }

    @Test
    void noFileMeansNoOffset() {
        ControlFileWallClock c = clock(dir.resolve("clock-offset"));
        assertThat(c.getAsLong()).isEqualTo(1_000_000L);
        wall.addAndGet(7);
        assertThat(c.getAsLong()).isEqualTo(1_000_007L);
    }

    @Test
    void appliesSignedOffsets() throws Exception {
        Path f = dir.resolve("clock-offset");
        Files.writeString(f, "3600000\n");
        assertThat(clock(f).getAsLong()).isEqualTo(1_000_000L + 3_600_000L);
        Files.writeString(f, " -3600000 ");
        assertThat(clock(f).getAsLong()).isEqualTo(1_000_000L - 3_600_000L);
        Files.writeString(f, "");
        assertThat(clock(f).getAsLong()).isEqualTo(1_000_000L);
    }

    @Test
    void garbageMeansNoOffset() throws Exception {
        Path f = dir.resolve("clock-offset");
        Files.writeString(f, "one hour");
        assertThat(clock(f).offsetMillis()).isZero();
        Files.writeString(f, "1.5");
        assertThat(clock(f).offsetMillis()).isZero();
    }

    @Test
    void cachesTheOffsetAndReReadsItAfterTheRecheckInterval() throws Exception {
        Path f = dir.resolve("clock-offset");
        Files.writeString(f, "1000");
        ControlFileWallClock c = clock(f);
        assertThat(c.offsetMillis()).isEqualTo(1000);

        Files.writeString(f, "-2000");
        nanos.addAndGet(RECHECK - 1);
        assertThat(c.offsetMillis()).as("cached within the interval").isEqualTo(1000);
        nanos.addAndGet(1);
        assertThat(c.offsetMillis()).as("re-read after it").isEqualTo(-2000);

        Files.delete(f);
        nanos.addAndGet(RECHECK);
        assertThat(c.offsetMillis()).as("file removed: no offset").isZero();

        Files.writeString(f, "42");
        nanos.addAndGet(RECHECK);
        assertThat(c.getAsLong()).isEqualTo(1_000_042L);
    }

    @Test
    void defaultInstanceReadsTheRealClock() throws Exception {
        Path f = dir.resolve("clock-offset");
        Files.writeString(f, "-86400000");
        long before = System.currentTimeMillis();
        long shifted = new ControlFileWallClock(f).getAsLong();
        long after = System.currentTimeMillis();
        assertThat(shifted).isBetween(before - 86_400_000L, after - 86_400_000L);
    }

    @Test
    void aFileInAMissingDirectoryIsRefusedAtOnce() {
        assertThatThrownBy(() -> clock(dir.resolve("no-such-dir").resolve("clock-offset")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("coordinator.testing.clock-offset-file");
        assertThatThrownBy(() -> clock(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a directory");
    }
}
