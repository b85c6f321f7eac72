package io.coordinator.trust.check;

import java.util.List;

/**
 * One thing the history shows the server got wrong: its category, a sentence, and the minimal window of the
 * history (ops and events) needed to see it.
 */
public record Violation(Category category, String message, List<String> window) {

    public enum Category {
        /** An acknowledged write missing from the state read back after the faults healed. */
        LOST_WRITE,
        /** A result or read no order of the writes explains, real-time order, per-session order. */
        LINEARIZABILITY,
        WATCH,
        EPHEMERAL,
        /** A session's replies not in the order it sent its requests (the client saw a reply for another xid). */
        REPLY_ORDER,
        /** The search for a placement of unknown writes ran out of budget: neither proved nor refuted. */
        INCONCLUSIVE
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(category + ": " + message + "\n");
        for (String line : window) {
            sb.append("    ").append(line).append('\n');
        }
        return sb.toString();
    }
}
