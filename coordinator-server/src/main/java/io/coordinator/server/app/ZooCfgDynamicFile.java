package io.coordinator.server.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.io.FileSystemResource;

/**
 * The dynamic configuration file a ZooKeeper 3.5+ zoo.cfg names with {@code dynamicConfigFile}: the ensemble's
 * {@code server.N} lines. Read as ZooKeeper's QuorumPeerConfig reads it: the path as written (a relative one
 * against the working directory), only {@code server.N} keys (hierarchical {@code group}/{@code weight} keys are
 * refused as in zoo.cfg), no {@code version} key inside (ZooKeeper takes the version from the file name).
 */
final class ZooCfgDynamicFile {
    private ZooCfgDynamicFile() {}

    /** One server.N line with where it was written. */
    record ServerLine(String id, String value, TextResourceOrigin origin, String where) {}

    /**
     * The server lines of the file {@code value} names ({@code cfg}:{@code line} is where zoo.cfg names it); every
     * refusal names the file (and line).
     */
    static List<ServerLine> read(Path cfg, int line, String value) {
        String named = cfg + ":" + line + ": dynamicConfigFile=" + value;
        Path file;
        try {
            file = Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalStateException(named + " is not a valid path: " + e.getReason(), e);
        }
        List<String> lines;
        try {
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new IOException("not a regular file"); // a directory or a device (/dev/zero) is no config
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(
                    named + ": cannot read " + file.toAbsolutePath()
                            + " (a relative path is resolved against the working directory, as ZooKeeper does): " + e,
                    e);
        }
        var resource = new FileSystemResource(file);
        List<ServerLine> servers = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).trim();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            // zoo.cfg's line first, so the message leads from the file the operator named to the line at fault
            String where = named + ": " + file + ":" + (i + 1);
            int eq = text.indexOf('=');
            if (eq <= 0) {
                throw new IllegalStateException(where + ": expected key=value, found '" + text + "'");
            }
            String key = text.substring(0, eq).trim();
            String val = text.substring(eq + 1).trim();
            if (key.startsWith("group") || key.startsWith("weight")) {
                throw new IllegalStateException(where + ": " + ZooCfgEnsembleKeys.hierarchical(key));
            }
            if (key.equals("version")) {
                throw new IllegalStateException(
                        where + ": a dynamic config file must not hold 'version' (ZooKeeper"
                                + " refuses it too: the version is the file name's hex suffix, e.g. zoo.cfg.dynamic.100000000)");
            }
            if (!key.startsWith("server.")) {
                throw new IllegalStateException(where + ": '" + key + "' does not belong in a dynamic config file,"
                        + " which holds only server.N lines (ZooKeeper refuses it too); move it to " + cfg);
            }
            var origin = new TextResourceOrigin(resource, new TextResourceOrigin.Location(i, eq + 1));
            servers.add(new ServerLine(key.substring("server.".length()), val, origin, where));
        }
        if (servers.isEmpty()) {
            throw new IllegalStateException(named + ": " + file.toAbsolutePath() + " holds no server.N line");
        }
        return servers;
    }
}
