package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes the zoo.cfg parser ({@link ZooCfgImport#parse}) with arbitrary file content.
 *
 * <p>Contract: a file it cannot take stops startup with an {@link IllegalStateException} whose message names
 * the file (and line) or the myid file at fault; nothing else escapes. Whatever it accepts maps only onto
 * {@code coordinator.*} properties.
 */
class ZooCfgFuzzTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("zoocfg-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DIR.toFile().deleteOnExit();
    }

    @FuzzTest
    void parse(byte[] content) throws IOException {
        Path cfg = DIR.resolve("zoo.cfg");
        Files.write(cfg, content);
        try {
            var props = ZooCfgImport.parse(cfg);
            assertThat(props.keySet())
                    .allMatch(k -> k.startsWith("coordinator.") || k.startsWith("spring.ssl.bundle.jks.zoo-cfg-"));
        } catch (IllegalStateException e) {
            assertThat(e.getMessage()).isNotBlank();
            assertThat(e.getMessage())
                    .satisfiesAnyOf(
                            m -> assertThat(m).contains(cfg.toString()),
                            m -> assertThat(m).contains("myid"));
        }
    }
}
