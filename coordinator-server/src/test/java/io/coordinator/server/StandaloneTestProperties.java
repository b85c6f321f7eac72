package io.coordinator.server;

import io.coordinator.server.web.WireDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The settings of a standalone server for a {@code @SpringBootTest}: a fresh data dir, any client port, loopback. */
public final class StandaloneTestProperties {
    private static final String USERS = "coordinator.web.users.";

    private StandaloneTestProperties() {}

    /** Registers them; returns the data directory (named after {@code prefix}). */
    public static Path register(DynamicPropertyRegistry r, String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        r.add("coordinator.data-dir", dir::toString);
        r.add("coordinator.client-port", () -> "0");
        r.add("server.address", () -> "127.0.0.1");
        return dir;
    }

    /** A web user {@code name} with the plain-text {@code password} (stored as {@code {noop}}) and {@code role}. */
    public static void user(DynamicPropertyRegistry r, String name, String password, String role) {
        user(r, name, password);
        r.add(USERS + name + ".role", () -> role);
    }

    /** A web user {@code name} with the plain-text {@code password} and no role: only its grants. */
    public static void user(DynamicPropertyRegistry r, String name, String password) {
        r.add(USERS + name + ".password", () -> "{noop}" + password);
    }

    /** The digest identity of user {@code name} on the wire, for clients that add {@code name:password}. */
    public static void wireDigest(DynamicPropertyRegistry r, String name, String password) {
        r.add(USERS + name + ".wire-digest", () -> WireDigest.of(name + ":" + password));
    }

    /**
     * Grant {@code index} of user {@code name}: {@code actions} on what {@code pattern} matches, a configuration
     * context ({@code on} "context") or znodes ({@code on} "znode").
     */
    public static void grant(
            DynamicPropertyRegistry r, String name, int index, String on, String pattern, String actions) {
        String grant = USERS + name + ".grants[" + index + "].";
        r.add(grant + on, () -> pattern);
        r.add(grant + "actions", () -> actions);
    }
}
