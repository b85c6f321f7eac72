package io.coordinator.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionIdsTest {

    @Test
    void topByteIsTheServerId() {
        long[] starts = {0L, 1L, 1_700_000_000_000L, Long.MAX_VALUE, -1L, 0xFFFF_FFFF_FFFFL};
        for (int serverId : new int[] {0, 1, 5, 127, 128, 200, 254}) {
            for (long start : starts) {
                SessionIds ids = new SessionIds(serverId, start);
                for (int i = 0; i < 100; i++) {
                    long id = ids.next();
                    assertThat(id >>> 56)
                            .as("server %d start %d", serverId, start)
                            .isEqualTo(serverId);
                }
            }
        }
    }

    @Test
    void neverZeroOrMinValue() {
        // server 0 at time 0 starts at 0; server 128 at time 0 starts at Long.MIN_VALUE.
        SessionIds zero = new SessionIds(0, 0);
        SessionIds min = new SessionIds(128, 0);
        for (int i = 0; i < 1000; i++) {
            long a = zero.next();
            long b = min.next();
            assertThat(a).isNotZero().isNotEqualTo(Long.MIN_VALUE);
            assertThat(b).isNotZero().isNotEqualTo(Long.MIN_VALUE);
        }
    }

    @Test
    void idsAreDistinctAndDifferAcrossRestarts() {
        SessionIds a = new SessionIds(3, 1_700_000_000_000L);
        SessionIds b = new SessionIds(3, 1_700_000_005_000L);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(a.next())).isTrue();
        }
        assertThat(seen).doesNotContain(b.next());
    }

    @Test
    void observeSkipsPastRecoveredIds() {
        SessionIds ids = new SessionIds(2, 1_700_000_000_000L);
        long first = ids.next();
        ids.observe(first + 10);
        assertThat(ids.next()).isEqualTo(first + 11);
        // Lower ids and other servers' ids change nothing.
        ids.observe(first);
        ids.observe((3L << 56) | 0xFFFFFFL);
        assertThat(ids.next()).isEqualTo(first + 12);
    }

    @Test
    void rejectsServerIdsOutsideOneByteBelowTheTtlMarker() {
        assertThatThrownBy(() -> new SessionIds(255, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SessionIds(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
