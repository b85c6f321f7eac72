package io.coordinator.server.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The per-watcher index of {@link WatchTable} (what makes dropping a closed connection's watches proportional
 * to its own watches) always lists exactly the paths the watcher holds a watch on.
 */
class WatchIndexTest {

    @Test
    void removeWatcherDropsOnlyThatWatchersPaths() {
        WatchTable t = new WatchTable();
        RecordingWatcher a = new RecordingWatcher("a");
        RecordingWatcher b = new RecordingWatcher("b");
        for (int i = 0; i < 1000; i++) {
            t.add("/other/" + i, b, WatchTable.STANDARD);
        }
        t.add("/x", a, WatchTable.STANDARD);
        t.add("/y", a, WatchTable.PERSISTENT);
        t.add("/x", b, WatchTable.STANDARD);
        assertThat(t.pathsOf(a)).containsExactlyInAnyOrder("/x", "/y");
        t.removeWatcher(a);
        assertThat(t.pathsOf(a)).isEmpty();
        assertThat(t.pathsOf(b)).hasSize(1001);
        assertThat(t.size()).isEqualTo(1001);
        assertThat(t.trigger("/x")).containsExactly(b);
        assertThat(t.trigger("/y")).isEmpty();
        assertThat(t.watcherCount()).isEqualTo(1);
    }

    @Test
    void indexMatchesTheTableUnderRandomOperations() {
        for (long seed = 1; seed <= 20; seed++) {
            Random r = new Random(seed);
            WatchTable t = new WatchTable();
            List<RecordingWatcher> ws =
                    List.of(new RecordingWatcher("w0"), new RecordingWatcher("w1"), new RecordingWatcher("w2"));
            List<String> paths = List.of("/", "/a", "/a/b", "/a/b/c", "/d");
            int[] modes = {WatchTable.STANDARD, WatchTable.PERSISTENT, WatchTable.RECURSIVE};
            for (int step = 0; step < 300; step++) {
                RecordingWatcher w = ws.get(r.nextInt(ws.size()));
                String p = paths.get(r.nextInt(paths.size()));
                switch (r.nextInt(4)) {
                    case 0, 1 -> t.add(p, w, modes[r.nextInt(modes.length)]);
                    case 2 -> t.trigger(p);
                    default -> {
                        if (r.nextInt(5) == 0) {
                            t.removeWatcher(w);
                        } else {
                            t.remove(p, w, 1 + r.nextInt(WatchTable.ANY));
                        }
                    }
                }
                Map<Watcher, Set<String>> expected = new LinkedHashMap<>();
                t.collectByWatcher(expected);
                for (RecordingWatcher x : ws) {
                    assertThat(t.pathsOf(x))
                            .as("seed %d step %d", seed, step)
                            .isEqualTo(expected.getOrDefault(x, new HashSet<>()));
                }
                assertThat(t.watcherCount()).isEqualTo(expected.size());
            }
        }
    }
}
