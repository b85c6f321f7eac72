package io.coordinator.spring.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coordinator.spring.autoconfigure.CoordinatorClientProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The last known instances of every service, in one JSON file ({@code services.json}) in the
 * {@code coordinator.client.discovery.local-copy} directory: written (temp file + atomic move) after the
 * discovery cache changes, read at startup so discovery can answer before any server does. A failed write is
 * reported once and the application runs on (read-only disks are fine).
 */
public final class DiscoveryLocalCopy {
    private static final Log log = LogFactory.getLog(DiscoveryLocalCopy.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String FILE = "services.json";

    /** Instances per service, and when they were written. */
    public record Copy(Map<String, List<ServiceInstance>> services, Instant written) {}

    private final Path file;
    private final AtomicBoolean writeFailureReported = new AtomicBoolean();

    private DiscoveryLocalCopy(Path file) {
        this.file = file;
    }

    /** The copy in {@code directory}, or null when the local copy is off (no directory). */
    public static DiscoveryLocalCopy of(String directory) {
        return directory == null || directory.isBlank()
                ? null
                : new DiscoveryLocalCopy(Path.of(directory).resolve(FILE));
    }

    /**
     * The copy {@code coordinator.client.discovery.local-copy*} asks for: by default per user and application, in
     * ~/.coordinator/discovery-copies/&lt;app&gt;; null when off.
     */
    public static DiscoveryLocalCopy of(CoordinatorClientProperties.Discovery settings, String app) {
        if (!settings.localCopyEnabled()) {
            return null;
        }
        return of(
                settings.localCopy() != null
                        ? settings.localCopy()
                        : Paths.get(System.getProperty("user.home"), ".coordinator", "discovery-copies", app)
                                .toString());
    }

    public Path file() {
        return file;
    }

    public void write(Map<String, List<ServiceInstance>> services) {
        try {
            ObjectNode root = MAPPER.createObjectNode();
            root.put("written", Instant.now().toString());
            ObjectNode all = root.putObject("services");
            new TreeMap<>(services).forEach((service, instances) -> {
                if (instances.isEmpty()) {
                    return;
                }
                ArrayNode list = all.putArray(service);
                for (ServiceInstance i : instances) {
                    ObjectNode n = list.addObject();
                    n.put("instanceId", i.getInstanceId());
                    n.put("host", i.getHost());
                    n.put("port", i.getPort());
                    n.put("secure", i.isSecure());
                    ObjectNode md = n.putObject("metadata");
                    i.getMetadata().forEach(md::put);
                }
            });
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "services", ".tmp");
            try {
                MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            writeFailureReported.set(false);
        } catch (IOException | RuntimeException e) {
            if (writeFailureReported.compareAndSet(false, true)) {
                log.warn("Could not write the discovery local copy " + file + " (" + e + "); the application runs on,"
                        + " but cannot discover from this copy when it starts during an outage. Set"
                        + " coordinator.client.discovery.local-copy to a writable directory, or"
                        + " coordinator.client.discovery.local-copy-enabled=false.");
            }
        }
    }

    /** The copy, or null when there is none (or it cannot be read). */
    public Copy read() {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode root = MAPPER.readTree(file.toFile());
            Map<String, List<ServiceInstance>> services = new TreeMap<>();
            root.path("services").fields().forEachRemaining(e -> {
                List<ServiceInstance> list = new ArrayList<>();
                for (JsonNode n : e.getValue()) {
                    Map<String, String> metadata = new LinkedHashMap<>();
                    n.path("metadata")
                            .fields()
                            .forEachRemaining(
                                    m -> metadata.put(m.getKey(), m.getValue().asText()));
                    list.add(new DefaultServiceInstance(
                            n.path("instanceId").asText(),
                            e.getKey(),
                            n.path("host").asText(),
                            n.path("port").asInt(),
                            n.path("secure").asBoolean(),
                            metadata));
                }
                services.put(e.getKey(), List.copyOf(list));
            });
            Instant written = root.hasNonNull("written")
                    ? Instant.parse(root.get("written").asText())
                    : Files.getLastModifiedTime(file).toInstant();
            return new Copy(services, written);
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring unreadable discovery local copy " + file + ": " + e);
            return null;
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
