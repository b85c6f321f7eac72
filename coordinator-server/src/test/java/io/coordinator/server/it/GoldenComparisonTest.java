package io.coordinator.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden comparison: one scripted sequence of raw wire requests (every client opcode, successes and
 * failures, watches, reconnection) runs against Apache ZooKeeper 3.9.5 and against Coordinator, each on a
 * fresh server; the masked canonical transcripts must be identical. Transcripts are written to
 * {@code target/golden/} for inspection.
 */
@Timeout(180)
class GoldenComparisonTest {
    private static List<String> zooKeeperTranscript;

    static synchronized List<String> zooKeeperTranscript(Path dir) throws Exception {
        if (zooKeeperTranscript == null) {
            zooKeeperTranscript = run(Servers.Kind.ZOOKEEPER, dir);
            write("zookeeper.txt", zooKeeperTranscript);
        }
        return zooKeeperTranscript;
    }

    static List<String> run(Servers.Kind kind, Path dir) throws Exception {
        try (ServerUnderTest s = Servers.start(kind, dir)) {
            return new GoldenScript(s.port()).run();
        }
    }

    static void write(String name, List<String> lines) throws IOException {
        Path out = Paths.get("target", "golden");
        Files.createDirectories(out);
        Files.write(out.resolve(name), lines);
    }

    @Test
    void zooKeeperTranscriptIsReproducibleAndCoversTheScript(@TempDir Path d1, @TempDir Path d2) throws Exception {
        List<String> first = zooKeeperTranscript(d1);
        assertSameAsZooKeeper(first, "zookeeper (run 2)", Servers.Kind.ZOOKEEPER, d2, "zookeeper-2.txt");
        String last = first.get(first.size() - 1);
        assertTrue(last.startsWith("steps="), last);
        assertTrue(Integer.parseInt(last.substring(6)) >= 150, "golden script should have 150+ steps: " + last);
    }

    @Test
    void coordinatorTranscriptEqualsZooKeeper(@TempDir Path d1, @TempDir Path d2) throws Exception {
        assertSameAsZooKeeper(zooKeeperTranscript(d1), "coordinator", Servers.Kind.COORDINATOR, d2, "coordinator.txt");
    }

    /** Runs the script on a fresh server of {@code kind}, keeps its transcript in {@code file}, compares. */
    static void assertSameAsZooKeeper(List<String> zooKeeper, String name, Servers.Kind kind, Path dir, String file)
            throws Exception {
        List<String> actual = run(kind, dir);
        write(file, actual);
        assertSame(kind == Servers.Kind.ZOOKEEPER ? "zookeeper (run 1)" : "zookeeper", zooKeeper, name, actual);
    }

    static void assertSame(String en, List<String> expected, String an, List<String> actual) {
        if (expected.equals(actual)) {
            return;
        }
        StringBuilder sb =
                new StringBuilder("transcripts differ (" + en + " vs " + an + "; full text in target/golden/):\n");
        int shown = 0;
        int n = Math.max(expected.size(), actual.size());
        for (int i = 0; i < n && shown < 40; i++) {
            String e = i < expected.size() ? expected.get(i) : "<missing>";
            String a = i < actual.size() ? actual.get(i) : "<missing>";
            if (!e.equals(a)) {
                sb.append("line ")
                        .append(i + 1)
                        .append(":\n  ")
                        .append(en)
                        .append(": ")
                        .append(e)
                        .append("\n  ")
                        .append(an)
                        .append(": ")
                        .append(a)
                        .append('\n');
                shown++;
            }
        }
        assertEquals(expected.size(), actual.size(), sb.toString());
        fail(sb.toString());
    }
}
