package io.coordinator.trust.check;

import io.coordinator.trust.history.Op;
import io.coordinator.trust.history.WatchEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs every check over one history and writes a readable report when something fails. */
public final class Checker {
    private Checker() {}

    /** All violations, by category. */
    public record Report(List<Violation> violations, List<String> placedUnknowns, long searchSteps) {
        public long count(Violation.Category c) {
            return violations.stream().filter(v -> v.category() == c).count();
        }

        public boolean ok() {
            return violations.isEmpty();
        }

        /** This report plus violations found outside the history's checks. */
        public Report with(List<Violation> more) {
            if (more.isEmpty()) {
                return this;
            }
            List<Violation> all = new ArrayList<>(violations);
            all.addAll(more);
            return new Report(all, placedUnknowns, searchSteps);
        }
    }

    /**
     * @param existingPaths nodes that existed before the history began (their stats are not checked)
     */
    public static Report check(
            List<Op> ops, List<WatchEvent> events, List<EphemeralProbe> probes, List<String> existingPaths) {
        List<Violation> all = new ArrayList<>(OrderChecker.check(ops));
        LinearizabilityChecker.Outcome lin = new LinearizabilityChecker(ops, existingPaths).check();
        all.addAll(lin.violations());
        all.addAll(WatchChecker.check(ops, events));
        all.addAll(EphemeralProbe.check(probes));
        return new Report(all, lin.placed(), lin.steps());
    }

    /** Writes the violations (each with its window of the history) to {@code file}. */
    public static void writeReport(Report report, String title, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder("# " + title + "\n\n");
        sb.append(report.violations().size()).append(" violation(s)\n\n");
        for (Violation v : report.violations()) {
            sb.append(v).append('\n');
        }
        if (!report.placedUnknowns().isEmpty()) {
            sb.append("Unknown writes the accepted order placed:\n");
            report.placedUnknowns().forEach(p -> sb.append("  ").append(p).append('\n'));
        }
        Files.writeString(file, sb.toString());
    }
}
