package io.coordinator.server.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Registered services: {@code <services-path>/<type>/<id>} znodes holding curator-x-discovery ServiceInstance
 * JSON (what the starter and Spring Cloud Zookeeper write). Instances are returned as stored.
 */
@RestController
@RequestMapping("/api/services")
@Tag(name = "services", description = "Registered services and their instances (curator-x-discovery format)")
public class ServicesController {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final LocalZooKeeper zk;
    private final WebProperties props;
    private final Access access;

    public ServicesController(LocalZooKeeper zk, WebProperties props, Access access) {
        this.access = access;
        this.zk = zk;
        this.props = props;
    }

    public record ServiceSummary(String name, int instances) {}

    public record Service(String name, List<JsonNode> instances) {}

    @GetMapping
    @Operation(summary = "Service names with their instance counts")
    public List<ServiceSummary> list() throws KeeperException, InterruptedException {
        ZooKeeper z = zk.get();
        List<ServiceSummary> out = new ArrayList<>();
        List<String> names;
        try {
            names = new ArrayList<>(z.getChildren(props.getServicesPath(), false));
        } catch (KeeperException.NoNodeException e) {
            return out;
        }
        names.sort(null);
        for (String name : names) {
            if (!access.mayReadZnode(props.getServicesPath() + "/" + name)) {
                continue;
            }
            Stat stat = z.exists(props.getServicesPath() + "/" + name, false);
            if (stat != null) {
                out.add(new ServiceSummary(name, stat.getNumChildren()));
            }
        }
        return out;
    }

    @GetMapping("/{name}")
    @Operation(summary = "One service with every instance (ServiceInstance JSON)")
    public Service service(@PathVariable String name) throws KeeperException, InterruptedException {
        String base =
                props.getServicesPath() + "/" + Znodes.path("/" + name, false).substring(1);
        access.requireZnode(AccessPolicy.Action.READ, base);
        ZooKeeper z = zk.get();
        List<String> ids = new ArrayList<>(z.getChildren(base, false));
        ids.sort(null);
        List<JsonNode> instances = new ArrayList<>();
        for (String id : ids) {
            try {
                instances.add(instance(z, base + "/" + id, id));
            } catch (KeeperException.NoNodeException gone) {
                // deregistered meanwhile
            }
        }
        return new Service(name, instances);
    }

    @GetMapping("/{name}/{id}")
    @Operation(summary = "One instance (ServiceInstance JSON)")
    public JsonNode instance(@PathVariable String name, @PathVariable String id)
            throws KeeperException, InterruptedException {
        String path =
                props.getServicesPath() + "/" + Znodes.path("/" + name, false).substring(1) + "/"
                        + Znodes.path("/" + id, false).substring(1);
        access.requireZnode(AccessPolicy.Action.READ, path);
        return instance(zk.get(), path, id);
    }

    private static JsonNode instance(ZooKeeper z, String path, String id) throws KeeperException, InterruptedException {
        byte[] data = z.getData(path, false, null);
        try {
            JsonNode node = JSON.readTree(data);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (RuntimeException notJson) {
            // fall through
        }
        ObjectNode raw = JSON.createObjectNode();
        raw.put("id", id);
        raw.put("raw", data == null ? "" : new String(data, StandardCharsets.UTF_8));
        return raw;
    }

    static ApiException notFound(String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, detail);
    }
}
