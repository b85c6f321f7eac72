package io.coordinator.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The settings of a standalone server for a {@code @SpringBootTest}: a fresh data dir, any client port, loopback. */
public final class StandaloneTestProperties {
    private StandaloneTestProperties() {}

    /** Registers them; returns the data directory (named after {@code prefix}). */
    public static Path register(DynamicPropertyRegistry r, String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        r.add("coordinator.data-dir", dir::toString);
        r.add("coordinator.client-port", () -> "0");
        r.add("server.address", () -> "127.0.0.1");
        return dir;
    }
}
