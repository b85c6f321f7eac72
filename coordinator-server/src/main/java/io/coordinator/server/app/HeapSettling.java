package io.coordinator.server.app;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Once the server is ready, one full collection moves what startup left alive (the Spring context, caches, the
 * recovered tree) to the old generation. Otherwise each of the first young collections under load copies it again:
 * measured on a busy 2-core machine, 20 MB copied per young collection and pauses of 80-130 ms, the slowest
 * requests of a standalone create-delete benchmark run. One short pause at startup instead. Skipped when the heap
 * holds more than {@link #MAX_USED_BYTES} (a big tree, mostly promoted while it was loaded, would make a long
 * pause of it); {@code -XX:+DisableExplicitGC} turns it off.
 */
final class HeapSettling implements ApplicationListener<ApplicationReadyEvent> {
    private static final Logger log = LoggerFactory.getLogger(HeapSettling.class);
    static final long MAX_USED_BYTES = 256L << 20;

    private final long maxUsedBytes;
    private volatile boolean settled;

    HeapSettling() {
        this(MAX_USED_BYTES);
    }

    HeapSettling(long maxUsedBytes) {
        this.maxUsedBytes = maxUsedBytes;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        MemoryUsage before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        if (before.getUsed() > maxUsedBytes) {
            log.debug("Heap not settled after startup: {} MB in use", before.getUsed() >> 20);
            return;
        }
        long start = System.nanoTime();
        System.gc();
        settled = true;
        long after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        log.info(
                "Heap settled after startup in {} ms: {} MB -> {} MB in use",
                (System.nanoTime() - start) / 1_000_000,
                before.getUsed() >> 20,
                after >> 20);
    }

    /** Whether the collection ran. */
    boolean settled() {
        return settled;
    }
}
