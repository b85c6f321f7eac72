package io.coordinator.server.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A wall clock shifted by an offset another process writes to a control file (the trust harness's nemesis), for
 * clock-jump tests of a real server process: only made when {@code coordinator.testing.clock-offset-file} is
 * set; otherwise the server reads {@code System::currentTimeMillis} directly. The file holds one signed integer,
 * the offset in milliseconds added to {@link System#currentTimeMillis()} ({@code 3600000} = one hour ahead,
 * {@code -3600000} = one hour behind). No file, or a blank one, means offset 0; a file that does not hold an
 * integer also means 0 (logged once per distinct content), so a typo never leaves a jump in place. The file is
 * re-read at most every {@code recheckNanos} (100 ms by default), never per call, so a jump takes effect within
 * that of the file changing.
 */
public final class ControlFileWallClock implements LongSupplier {
    private static final Logger log = LoggerFactory.getLogger(ControlFileWallClock.class);

    private final Path control;
    private final long recheckNanos;
    private final LongSupplier base;
    private final LongSupplier nanos;
    private volatile long offsetMillis;
    private volatile long nextReadAt;
    private volatile boolean read;
    private String lastGarbage;

    /**
     * @param control      the control file; its directory must exist (checked here, so a wrong path stops start-up)
     * @param recheckNanos how long a read offset is used before the file is read again
     * @param base         the real wall clock (ms)
     * @param nanos        a monotonic clock deciding when to re-read (ns)
     */
    public ControlFileWallClock(Path control, long recheckNanos, LongSupplier base, LongSupplier nanos) {
        Path dir = control.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "coordinator.testing.clock-offset-file: the directory of " + control + " does not exist");
        }
        if (Files.isDirectory(control)) {
            throw new IllegalArgumentException("coordinator.testing.clock-offset-file: " + control + " is a directory");
        }
        if (recheckNanos < 0) {
            throw new IllegalArgumentException("recheckNanos < 0: " + recheckNanos);
        }
        this.control = control;
        this.recheckNanos = recheckNanos;
        this.base = base;
        this.nanos = nanos;
    }

    public ControlFileWallClock(Path control) {
        this(control, TimeUnit.MILLISECONDS.toNanos(100), System::currentTimeMillis, System::nanoTime);
    }

    @Override
    public long getAsLong() {
        return base.getAsLong() + offsetMillis();
    }

    /** The offset now in force (ms), re-reading the file if the last read is older than the recheck interval. */
    public long offsetMillis() {
        long now = nanos.getAsLong();
        if (!read || now - nextReadAt >= 0) {
            refresh(now);
        }
        return offsetMillis;
    }

    private synchronized void refresh(long now) {
        if (read && now - nextReadAt < 0) {
            return; // another thread just read it
        }
        String text;
        try {
            text = Files.readString(control, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            text = "";
        } catch (IOException e) {
            text = null; // unreadable right now: keep the offset in force, try again next interval
        }
        if (text != null) {
            offsetMillis = parse(text);
        }
        nextReadAt = now + recheckNanos;
        read = true;
    }

    private long parse(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            if (!text.equals(lastGarbage)) {
                lastGarbage = text;
                log.warn(
                        "Clock offset file {} does not hold an integer number of ms ({}): using offset 0",
                        control,
                        text.length() > 40 ? text.substring(0, 40) + "..." : text);
            }
            return 0;
        }
    }
}
