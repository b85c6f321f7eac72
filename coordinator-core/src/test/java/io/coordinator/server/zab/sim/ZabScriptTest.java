package io.coordinator.server.zab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every ZAB script in {@code src/test/resources/io/coordinator/server/zab/testdata} (one test per file) and
 * compares the whole file with what the commands print now. {@code -Dzab.rewrite=true} writes the actual output
 * into the files instead (then review the diff: it is the behaviour change).
 */
class ZabScriptTest {
    static final Path TESTDATA = Path.of("src/test/resources/io/coordinator/server/zab/testdata");

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException {
        assertTrue(Files.isDirectory(TESTDATA), "run from the coordinator-core module: " + TESTDATA.toAbsolutePath());
        boolean rewrite = Boolean.getBoolean("zab.rewrite");
        List<Path> files;
        try (Stream<Path> list = Files.list(TESTDATA)) {
            files = list.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertTrue(!files.isEmpty(), "no scripts");
        return files.stream()
                .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                    String text = Files.readString(f);
                    DataDrivenFile file = DataDrivenFile.parse(f.toString(), text);
                    ZabScript script = new ZabScript();
                    String actual = file.run(c -> {
                        try {
                            return script.run(c.command());
                        } catch (RuntimeException | AssertionError e) {
                            throw new AssertionError(f + ":" + c.line() + ": " + c.command() + ": " + e, e);
                        }
                    });
                    if (rewrite) {
                        try {
                            Files.writeString(f, actual);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    } else {
                        assertEquals(text, actual, f + " (run with -Dzab.rewrite=true to accept the new output)");
                    }
                }));
    }
}
