package io.coordinator.server.zab.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A test script in the style of cockroachdb/datadriven (used by etcd-io/raft's interaction tests): commands, each
 * followed by a {@code ----} line and its expected output, ended by a blank line; {@code #} lines and blank lines
 * between commands are kept as they are. {@link #run} runs every command and returns the file as it would be with
 * the actual outputs, so a caller can compare it with the checked-in text or write it back (rewrite mode).
 */
final class DataDrivenFile {
    /** One command: the text before it (comments, blank lines), its line number, the line, the expected output. */
    record Case(String preamble, int line, String command, String expected) {}

    private final List<Case> cases;
    private final String trailer;

    private DataDrivenFile(List<Case> cases, String trailer) {
        this.cases = cases;
        this.trailer = trailer;
    }

    static DataDrivenFile parse(String name, String text) {
        List<Case> cases = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        StringBuilder preamble = new StringBuilder();
        int i = 0;
        while (i < lines.length) {
            String l = lines[i];
            if (l.isBlank() || l.startsWith("#")) {
                if (i < lines.length - 1 || !l.isEmpty()) {
                    preamble.append(l).append('\n');
                }
                i++;
                continue;
            }
            int commandLine = i + 1;
            if (i + 1 >= lines.length || !lines[i + 1].equals("----")) {
                throw new IllegalArgumentException(name + ":" + commandLine + ": expected ---- after '" + l + "'");
            }
            StringBuilder expected = new StringBuilder();
            i += 2;
            while (i < lines.length && !lines[i].isEmpty()) {
                expected.append(lines[i]).append('\n');
                i++;
            }
            cases.add(new Case(preamble.toString(), commandLine, l, expected.toString()));
            preamble.setLength(0);
            i++; // the blank line that ends the output
        }
        return new DataDrivenFile(cases, preamble.toString());
    }

    List<Case> cases() {
        return cases;
    }

    /**
     * Runs each command through {@code interpreter} (which returns its output, lines ended by a newline, no blank
     * lines) and returns the file text with those outputs in place of the expected ones.
     */
    String run(Function<Case, String> interpreter) {
        StringBuilder out = new StringBuilder();
        for (Case c : cases) {
            String actual = interpreter.apply(c);
            if (actual.lines().anyMatch(String::isBlank)) {
                throw new IllegalStateException("line " + c.line() + ": output with a blank line: " + actual);
            }
            out.append(c.preamble())
                    .append(c.command())
                    .append('\n')
                    .append("----\n")
                    .append(actual)
                    .append('\n');
        }
        return out.append(trailer).toString();
    }
}
