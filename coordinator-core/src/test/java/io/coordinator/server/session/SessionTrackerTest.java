package io.coordinator.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SessionTrackerTest {

    @Test
    void rejectsNonPositiveTickTime() {
        assertThatThrownBy(() -> new SessionTracker(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void expiresExactlyAfterItsTimeoutInTicksWithoutTouches() {
        SessionTracker t = new SessionTracker(100);
        t.add(7, 1000); // 10 ticks
        Session s = t.get(7);
        assertThat(s.expiresAtTick()).isEqualTo(11);
        for (long tick = 1; tick <= 10; tick++) {
            assertThat(t.expire(tick)).as("tick %d", tick).isEmpty();
        }
        assertThat(t.expire(11)).containsExactly(7L);
        assertThat(s.isClosing()).isTrue();
        // Reported once only.
        assertThat(t.expire(12)).isEmpty();
        assertThat(t.contains(7)).isTrue();
    }

    @Test
    void timeoutIsRoundedUpToWholeTicks() {
        SessionTracker t = new SessionTracker(100);
        t.add(1, 1050); // 11 ticks
        t.add(2, 1); // at least one tick
        assertThat(t.get(1).expiresAtTick()).isEqualTo(12);
        assertThat(t.get(2).expiresAtTick()).isEqualTo(2);
        assertThat(t.expire(2)).containsExactly(2L);
        assertThat(t.expire(11)).isEmpty();
        assertThat(t.expire(12)).containsExactly(1L);
    }

    @Test
    void jumpingAheadExpiresEverythingDueInIdOrder() {
        SessionTracker t = new SessionTracker(10);
        t.add(30, 100);
        t.add(10, 50);
        t.add(20, 1000);
        assertThat(t.expire(100)).containsExactly(10L, 30L);
        assertThat(t.currentTick()).isEqualTo(100);
        // Going back in time does not rewind the clock.
        assertThat(t.expire(50)).isEmpty();
        assertThat(t.currentTick()).isEqualTo(100);
        assertThat(t.expire(1000)).containsExactly(20L);
    }

    @Test
    void touchExtendsFromTheCurrentTick() {
        SessionTracker t = new SessionTracker(100);
        t.add(5, 500); // 5 ticks, due at 6
        assertThat(t.expire(4)).isEmpty();
        assertThat(t.touch(5)).isTrue();
        assertThat(t.get(5).expiresAtTick()).isEqualTo(10);
        assertThat(t.expire(9)).isEmpty();
        assertThat(t.expire(10)).containsExactly(5L);
    }

    @Test
    void touchOfUnknownOrClosingSessionFails() {
        SessionTracker t = new SessionTracker(100);
        assertThat(t.touch(99)).isFalse();
        t.add(1, 500);
        t.markClosing(1);
        assertThat(t.touch(1)).isFalse();
        assertThat(t.get(1).isClosing()).isTrue();
    }

    @Test
    void markClosingExcludesFromExpiry() {
        SessionTracker t = twoSessionsOfTwoTicks();
        t.markClosing(1);
        assertThat(t.expire(100)).containsExactly(2L);
        assertThat(t.contains(1)).isTrue();
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void removeForgetsTheSessionAndItsExpiry() {
        SessionTracker t = twoSessionsOfTwoTicks();
        t.remove(1);
        assertThat(t.contains(1)).isFalse();
        assertThat(t.get(1)).isNull();
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.all()).extracting(Session::id).containsExactly(2L);
        assertThat(t.expire(100)).containsExactly(2L);
        t.remove(2);
        t.remove(2); // idempotent
        assertThat(t.size()).isZero();
    }

    @Test
    void reAddKeepsTheSessionAndRestartsItsClock() {
        SessionTracker t = new SessionTracker(100);
        Session s = t.add(1, 300);
        t.expire(2);
        assertThat(t.add(1, 300)).isSameAs(s);
        assertThat(s.expiresAtTick()).isEqualTo(6);
        assertThat(s.timeoutMs()).isEqualTo(300);
    }

    /** A learner that becomes leader hands out fresh timeouts from the current time, not from tick 0. */
    @Test
    void advancingWithoutExpiringKeepsTouchesCurrent() {
        SessionTracker t = new SessionTracker(100);
        t.add(1L, 300); // 3 ticks
        t.advanceTo(1000);
        assertThat(t.get(1L).isClosing()).isFalse();
        t.touch(1L);
        assertThat(t.expire(1001)).isEmpty();
        assertThat(t.expire(1003)).isEmpty();
        assertThat(t.expire(1004)).containsExactly(1L);
    }

    /** A tracker with 100 ms ticks holding sessions 1 and 2, each of 200 ms. */
    private static SessionTracker twoSessionsOfTwoTicks() {
        SessionTracker t = new SessionTracker(100);
        t.add(1, 200);
        t.add(2, 200);
        return t;
    }
}
