package io.coordinator.spring.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/** The protection rules, driven by hand-made times and lists: no server, no clock. */
class InstanceProtectionTest {
    static final Duration BOUND = Duration.ofSeconds(60);
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static ServiceInstance instance(String id, String host) {
        return new DefaultServiceInstance(id, "svc", host, 8080, false, Map.of());
    }

    /** Instances svc-0 .. svc-(n-1). */
    static List<ServiceInstance> instances(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> instance("svc-" + i, "10.0.0." + i))
                .toList();
    }

    static List<ServiceInstance> live(List<ServiceInstance> all, int n) {
        return all.subList(0, n);
    }

    /**
     * One drop, in each phase of an outage: what is served (how many instances) and whether the service is held.
     * Phases: HEALTHY (no outage), DOWN (session suspended or lost), BACK_SOON (connected again, 10 s ago),
     * BACK_LONG_AGO (connected again, more than the bound ago: healthy again).
     */
    @ParameterizedTest(name = "threshold {0}, {1} known, {2} live, {3}: serve {4}, held {5}")
    @CsvSource({
        // the drop to empty is held during and right after an outage ...
        "0.5, 3, 0, DOWN,          3, true",
        "0.5, 3, 0, BACK_SOON,     3, true",
        // ... but not while healthy: a deregistration or a server-decided expiry is served at once
        "0.5, 3, 0, HEALTHY,       0, false",
        "0.5, 3, 0, BACK_LONG_AGO, 0, false",
        // below the threshold: held (live plus the rest of the known ones)
        "0.5, 4, 1, BACK_SOON,     4, true",
        "0.5, 5, 2, BACK_SOON,     5, true",
        // at or above the threshold: served as it is
        "0.5, 4, 2, BACK_SOON,     2, false",
        "0.5, 3, 2, BACK_SOON,     2, false",
        // threshold 0: only an empty list is held
        "0.0, 4, 1, BACK_SOON,     1, false",
        "0.0, 4, 0, BACK_SOON,     4, true",
        // threshold 1: any drop is held
        "1.0, 4, 3, BACK_SOON,     4, true",
        "1.0, 4, 4, BACK_SOON,     4, false",
        // a service nobody knew before the outage has nothing to keep
        "0.5, 0, 0, BACK_SOON,     0, false",
    })
    void oneDrop(double threshold, int known, int alive, String phase, int served, boolean held) {
        InstanceProtection p = new InstanceProtection(true, threshold, BOUND);
        List<ServiceInstance> all = instances(known);
        Instant now = T0;
        if (!phase.equals("HEALTHY")) {
            p.disconnected(T0, known == 0 ? Map.of() : Map.of("svc", all));
            now = T0.plusSeconds(30);
            if (phase.startsWith("BACK")) {
                p.connected(now);
                now = now.plus(phase.equals("BACK_SOON") ? Duration.ofSeconds(10) : BOUND.plusSeconds(1));
            }
        }
        assertThat(p.serve("svc", live(all, alive), now)).hasSize(served);
        assertThat(p.heldServices().contains("svc")).isEqualTo(held);
        assertThat(p.started()).isEqualTo(held ? 1 : 0);
    }

    /** Protection that served {@code known} as svc when the session dropped at T0, reconnected {@code at}. */
    private static InstanceProtection reconnected(List<ServiceInstance> known, Instant at) {
        InstanceProtection p = new InstanceProtection(true, 0.5, BOUND);
        p.disconnected(T0, Map.of("svc", known));
        p.connected(at);
        return p;
    }

    @Test
    void reRegistrationsReplaceTheKeptEntriesAndEndTheHold() {
        List<ServiceInstance> all = instances(4);
        InstanceProtection p = reconnected(all, T0.plusSeconds(30));
        // the session was lost: the old ephemerals are deleted one by one
        assertThat(p.serve("svc", live(all, 3), T0.plusSeconds(31))).hasSize(3);
        assertThat(p.serve("svc", live(all, 2), T0.plusSeconds(31))).hasSize(2);
        assertThat(p.serve("svc", live(all, 1), T0.plusSeconds(31))).containsExactlyElementsOf(all);
        assertThat(p.serve("svc", List.of(), T0.plusSeconds(31))).containsExactlyElementsOf(all);
        // svc-2 comes back with a new address: the live entry replaces the kept one
        ServiceInstance moved = instance("svc-2", "10.0.9.9");
        assertThat(p.serve("svc", List.of(moved), T0.plusSeconds(32)))
                .containsExactly(moved, all.get(0), all.get(1), all.get(3));
        assertThat(p.holds(T0.plusSeconds(32)).get("svc").live()).isEqualTo(1);
        // two of four are live again: the hold ends, the live list is the truth
        assertThat(p.serve("svc", List.of(moved, all.get(0)), T0.plusSeconds(33)))
                .containsExactly(moved, all.get(0));
        assertThat(p.heldServices()).isEmpty();
        assertThat(p.expired()).isZero();
        // and a later drop in the same outage episode is served as it is
        assertThat(p.serve("svc", List.of(), T0.plusSeconds(34))).isEmpty();
    }

    @Test
    void aHoldEndsAtItsBoundEvenIfNothingComesBack() {
        List<ServiceInstance> all = instances(2);
        InstanceProtection p = reconnected(all, T0.plusSeconds(5));
        Instant dropped = T0.plusSeconds(6);
        assertThat(p.serve("svc", List.of(), dropped)).hasSize(2);
        assertThat(p.heldUntil("svc")).isEqualTo(dropped.plus(BOUND));
        assertThat(p.serve("svc", List.of(), dropped.plus(BOUND).minusMillis(1)))
                .hasSize(2);
        assertThat(p.serve("svc", List.of(), dropped.plus(BOUND))).isEmpty();
        assertThat(p.expired()).isEqualTo(1);
        assertThat(p.heldServices()).isEmpty();
        // still within the window after the reconnect, but the service is not held a second time
        assertThat(p.serve("svc", List.of(), dropped.plus(BOUND).plusSeconds(1)))
                .isEmpty();
    }

    @Test
    void aHoldPastItsBoundIsReleasedWhenListed() {
        InstanceProtection p = new InstanceProtection(true, 0.5, BOUND);
        p.disconnected(T0, Map.of("svc", instances(1)));
        p.serve("svc", List.of(), T0.plusSeconds(1));
        assertThat(p.holds(T0.plusSeconds(2))).containsKey("svc");
        assertThat(p.holds(T0.plusSeconds(1).plus(BOUND))).isEmpty();
        assertThat(p.expired()).isEqualTo(1);
    }

    @Test
    void aNewOutageAfterTheSessionSettledTakesANewReference() {
        List<ServiceInstance> all = instances(2);
        InstanceProtection p = reconnected(live(all, 1), T0.plusSeconds(1));
        Instant later = T0.plus(BOUND).plusSeconds(10);
        assertThat(p.serve("svc", all, later)).hasSize(2); // healthy: the episode is over
        p.disconnected(later, Map.of("svc", all));
        assertThat(p.serve("svc", List.of(), later.plusSeconds(1))).containsExactlyElementsOf(all);
    }

    @Test
    void aSecondSuspensionInTheSameEpisodeKeepsTheFirstReference() {
        List<ServiceInstance> all = instances(4);
        InstanceProtection p = reconnected(all, T0.plusSeconds(1));
        p.disconnected(T0.plusSeconds(2), Map.of("svc", live(all, 1))); // what was served then, mid-rebuild
        assertThat(p.serve("svc", live(all, 1), T0.plusSeconds(3))).containsExactlyElementsOf(all);
    }

    @Test
    void offServesTheLiveListAlways() {
        InstanceProtection p = new InstanceProtection(false, 0.5, BOUND);
        p.disconnected(T0, Map.of("svc", instances(3)));
        assertThat(p.serve("svc", List.of(), T0.plusSeconds(1))).isEmpty();
        assertThat(p.heldServices()).isEmpty();
    }

    @Test
    void settingsOutOfRangeAreNamed() {
        assertThatThrownBy(() -> new InstanceProtection(true, 1.5, BOUND))
                .hasMessage("coordinator.client.discovery.protection.threshold=1.5: must be between 0 and 1");
        assertThatThrownBy(() -> new InstanceProtection(true, 0.5, Duration.ofSeconds(-1)))
                .hasMessage("coordinator.client.discovery.protection.max-duration=PT-1S: must not be negative");
    }
}
