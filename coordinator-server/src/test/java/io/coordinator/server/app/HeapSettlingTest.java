package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HeapSettlingTest {
    /** Full collections so far: G1 counts them under its old-generation collector (young ones elsewhere). */
    private static long fullCollections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(b -> b.getName().contains("Old") || b.getName().contains("MarkSweep"))
                .mapToLong(GarbageCollectorMXBean::getCollectionCount)
                .sum();
    }

    @Test
    void aReadyServerWithASmallHeapRunsOneFullCollection() {
        HeapSettling settling = new HeapSettling(Long.MAX_VALUE);
        long before = fullCollections();
        settling.onApplicationEvent(null);
        assertThat(settling.settled()).isTrue();
        assertThat(fullCollections()).isGreaterThan(before);
    }

    @Test
    void aHeapAboveTheBoundIsLeftAlone() {
        HeapSettling settling = new HeapSettling(0);
        settling.onApplicationEvent(null);
        assertThat(settling.settled()).isFalse();
    }
}
