package io.coordinator.trust.check;

import java.util.ArrayList;
import java.util.List;

/**
 * One owner death, as observed: the owner's client vanished (no closeSession) at {@code deathNanos}; an
 * observer first saw the ephemeral gone at {@code goneNanos} (-1: not within its watch). The server must
 * remove it within the session timeout plus one tick; {@code allowedNanos} adds a grace for observing (poll
 * interval, commit latency on a loaded machine).
 */
public record EphemeralProbe(String path, long ownerSession, long deathNanos, long goneNanos, long allowedNanos) {

    public long latencyNanos() {
        return goneNanos < 0 ? -1 : goneNanos - deathNanos;
    }

    public static List<Violation> check(List<EphemeralProbe> probes) {
        List<Violation> out = new ArrayList<>();
        for (EphemeralProbe p : probes) {
            if (p.goneNanos() < 0 || p.latencyNanos() > p.allowedNanos()) {
                out.add(new Violation(
                        Violation.Category.EPHEMERAL,
                        "ephemeral " + p.path() + " of dead session 0x" + Long.toHexString(p.ownerSession())
                                + (p.goneNanos() < 0
                                        ? " was never removed"
                                        : " was removed only after " + p.latencyNanos() / 1_000_000 + " ms")
                                + "; allowed " + p.allowedNanos() / 1_000_000 + " ms",
                        List.of(p.toString())));
            }
        }
        return out;
    }
}
