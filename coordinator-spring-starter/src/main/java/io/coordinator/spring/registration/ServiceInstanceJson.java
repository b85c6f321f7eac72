package io.coordinator.spring.registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The curator-x-discovery {@code ServiceInstance} JSON format, with the payload Spring Cloud Zookeeper writes
 * ({@code ZookeeperInstance}: id, name, metadata), so both kinds of client see each other.
 */
public final class ServiceInstanceJson {
    /** The payload class Spring Cloud Zookeeper registers; written so its clients can read our entries. */
    public static final String SPRING_CLOUD_ZOOKEEPER_PAYLOAD =
            "org.springframework.cloud.zookeeper.discovery.ZookeeperInstance";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ServiceInstanceJson() {}

    public static byte[] write(
            String serviceName,
            String instanceId,
            String host,
            int port,
            boolean secure,
            Map<String, String> metadata,
            long registrationTimeUtc) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("name", serviceName);
        root.put("id", instanceId);
        root.put("address", host);
        if (secure) {
            root.putNull("port");
            root.put("sslPort", port);
        } else {
            root.put("port", port);
            root.putNull("sslPort");
        }
        ObjectNode payload = root.putObject("payload");
        payload.put("@class", SPRING_CLOUD_ZOOKEEPER_PAYLOAD);
        payload.put("id", instanceId);
        payload.put("name", serviceName);
        ObjectNode md = payload.putObject("metadata");
        metadata.forEach(md::put);
        root.put("registrationTimeUTC", registrationTimeUtc);
        root.put("serviceType", "DYNAMIC");
        ObjectNode uriSpec = root.putObject("uriSpec");
        ArrayNode parts = uriSpec.putArray("parts");
        part(parts, "scheme", true);
        part(parts, "://", false);
        part(parts, "address", true);
        part(parts, ":", false);
        part(parts, secure ? "ssl-port" : "port", true);
        root.put("enabled", true);
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void part(ArrayNode parts, String value, boolean variable) {
        ObjectNode p = parts.addObject();
        p.put("value", value);
        p.put("variable", variable);
    }

    /** Reads an entry written by us, by Spring Cloud Zookeeper or by curator-x-discovery; null if unreadable. */
    public static ServiceInstance read(String serviceId, String nodeName, byte[] data) {
        if (data == null || data.length == 0) {
            return null;
        }
        try {
            JsonNode root = MAPPER.readTree(data);
            String id = text(root, "id", nodeName);
            String address = text(root, "address", null);
            if (address == null) {
                return null;
            }
            boolean secure = root.hasNonNull("sslPort") && !root.hasNonNull("port");
            int port = secure ? root.get("sslPort").asInt() : root.path("port").asInt(0);
            Map<String, String> metadata = new LinkedHashMap<>();
            JsonNode md = root.path("payload").path("metadata");
            if (md.isObject()) {
                md.fields()
                        .forEachRemaining(
                                e -> metadata.put(e.getKey(), e.getValue().asText()));
            }
            if (root.has("enabled") && !root.get("enabled").asBoolean(true)) {
                return null;
            }
            return new DefaultServiceInstance(id, serviceId, address, port, secure, metadata);
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode n, String field, String dflt) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? dflt : v.asText();
    }
}
