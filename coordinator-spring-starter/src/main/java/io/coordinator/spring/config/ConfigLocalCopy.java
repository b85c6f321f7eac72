package io.coordinator.spring.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The last known good copy of one configuration context, one {@code .properties} file per context in the
 * {@code coordinator.client.config.local-copy} directory. Written (atomically) whenever the context is read from
 * the server and differs from the file; read at startup when no server answers. Read-only disks are fine: a
 * failed write is reported once and the application runs on.
 */
public final class ConfigLocalCopy {
    private static final Log log = LogFactory.getLog(ConfigLocalCopy.class);
    private static final String VERSION = "__coordinator.mzxid";
    private static final String WRITTEN = "__coordinator.written";
    /** Each document's own values too, so a document broken at the next startup can fall back to them. */
    private static final String DOCUMENT = "__coordinator.document:";

    /** Values as last read from the server, and when they were read. */
    public record Copy(ConfigTree.Snapshot snapshot, Instant written) {}

    private final Path file;
    private final AtomicBoolean writeFailureReported = new AtomicBoolean();

    private ConfigLocalCopy(Path file) {
        this.file = file;
    }

    /** The copy of {@code contextPath} in {@code directory}, or null when local copies are off (no directory). */
    public static ConfigLocalCopy of(String directory, String contextPath) {
        if (directory == null || directory.isBlank()) {
            return null;
        }
        String name = contextPath.replaceAll("[^A-Za-z0-9,._-]", "_") + ".properties";
        return new ConfigLocalCopy(Path.of(directory).resolve(name));
    }

    public Path file() {
        return file;
    }

    public void write(ConfigTree.Snapshot snapshot) {
        try {
            Files.createDirectories(file.getParent());
            Properties p = new Properties();
            new TreeMap<>(snapshot.values()).forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
            snapshot.documents()
                    .forEach((doc, values) -> new TreeMap<>(values)
                            .forEach((k, v) -> p.setProperty(DOCUMENT + doc + "#" + k, String.valueOf(v))));
            p.setProperty(VERSION, Long.toString(snapshot.mzxid()));
            p.setProperty(WRITTEN, Instant.now().toString());
            Path tmp = Files.createTempFile(file.getParent(), "copy", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "last known good copy, written by the Coordinator starter");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            writeFailureReported.set(false);
        } catch (IOException | RuntimeException e) {
            if (writeFailureReported.compareAndSet(false, true)) {
                log.warn("Could not write the local copy " + file + " (" + e
                        + "); the application runs on, but cannot start from this copy during an outage."
                        + " Set coordinator.client.config.local-copy to a writable directory, or"
                        + " coordinator.client.config.local-copy-enabled=false.");
            }
        }
    }

    /** The copy, or null when there is none (or it cannot be read). */
    public Copy read() {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            log.warn("Ignoring unreadable local copy " + file + ": " + e);
            return null;
        }
        long mzxid = parseLong(p.remove(VERSION));
        Object written = p.remove(WRITTEN);
        Instant when;
        try {
            when = written == null ? Files.getLastModifiedTime(file).toInstant() : Instant.parse(written.toString());
        } catch (IOException | RuntimeException e) {
            when = Instant.EPOCH;
        }
        Map<String, Object> values = new TreeMap<>();
        Map<String, Map<String, Object>> documents = new TreeMap<>();
        p.forEach((k, v) -> {
            String key = k.toString();
            int hash = key.indexOf('#');
            if (key.startsWith(DOCUMENT) && hash > 0) {
                documents
                        .computeIfAbsent(key.substring(DOCUMENT.length(), hash), d -> new TreeMap<>())
                        .put(key.substring(hash + 1), v);
            } else {
                values.put(key, v);
            }
        });
        return new Copy(new ConfigTree.Snapshot(Collections.unmodifiableMap(values), mzxid, documents, Map.of()), when);
    }

    private static long parseLong(Object o) {
        try {
            return o == null ? 0 : Long.parseLong(o.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
