package io.coordinator.trust.runner;

import io.coordinator.trust.check.Checker;
import io.coordinator.trust.check.Violation;
import io.coordinator.trust.nemesis.FaultKind;

/** One round's figures. */
public record RoundResult(
        int round,
        FaultKind fault,
        String injected,
        long ops,
        long acknowledgedWrites,
        long unknownWrites,
        long watchEvents,
        long unavailableMs,
        long ephemeralGoneMs,
        boolean recovered,
        long minAckedWrites,
        Checker.Report report) {

    /** Whether the round acknowledged at least the minimum of writes (trust.min-acked-writes). */
    public boolean progressed() {
        return acknowledgedWrites >= minAckedWrites;
    }

    public long lost() {
        return report.count(Violation.Category.LOST_WRITE);
    }

    public long linearizability() {
        return report.count(Violation.Category.LINEARIZABILITY) + report.count(Violation.Category.INCONCLUSIVE);
    }

    public long watch() {
        return report.count(Violation.Category.WATCH);
    }

    public long ephemeral() {
        return report.count(Violation.Category.EPHEMERAL);
    }

    public long replyOrder() {
        return report.count(Violation.Category.REPLY_ORDER);
    }

    public boolean ok() {
        return report.ok() && recovered && progressed();
    }

    static String header() {
        return "| round | fault | ops | acked writes | unknown writes | watch events | lost writes | linearizability "
                + "| watch | ephemeral | reply order | longest unavailability ms | ephemeral gone after ms | recovered | progress |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    }

    String row() {
        return String.format(
                "| %d | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s | %s | %s |%n",
                round,
                fault,
                ops,
                acknowledgedWrites,
                unknownWrites,
                watchEvents,
                lost(),
                linearizability(),
                watch(),
                ephemeral(),
                replyOrder(),
                unavailableMs,
                ephemeralGoneMs < 0 ? "-" : Long.toString(ephemeralGoneMs),
                recovered ? "yes" : "NO",
                progressed() ? "yes" : "NO (under " + minAckedWrites + " acked writes)");
    }
}
