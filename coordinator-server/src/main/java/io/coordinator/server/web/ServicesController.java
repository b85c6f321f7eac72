package io.coordinator.server.web;

import io.coordinator.server.ops.AuditLog;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
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
    private final RestAudit audit;

    /** Where overrides live: the starter's discovery reads them from here (its InstanceOverrides.ROOT). */
    static final String OVERRIDES = "/coordinator/instances";

    private final WireAcls wireAcls;

    /** Overrides are written with {@link WireAcls#forRoot}: every application's discovery reads them. */
    public ServicesController(
            LocalZooKeeper zk, WebProperties props, Access access, AuditLog audit, WireAcls wireAcls) {
        this.wireAcls = wireAcls;
        this.access = access;
        this.zk = zk;
        this.props = props;
        this.audit = new RestAudit(audit);
    }

    public record ServiceSummary(String name, int instances) {}

    /** A service's instances as stored, and the operators' overrides by instance id. */
    public record Service(String name, List<JsonNode> instances, Map<String, Override> overrides) {}

    /**
     * An operator's setting for one instance: {@code enabled=false} takes it out of rotation (discovery leaves it
     * out, it keeps running), {@code weight} replaces its weight; author and time say who and when.
     */
    public record Override(Boolean enabled, Integer weight, String author, String time) {}

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
        return new Service(name, instances, overrides(z, name));
    }

    static Map<String, Override> overrides(ZooKeeper z, String service) throws KeeperException, InterruptedException {
        Map<String, Override> out = new TreeMap<>();
        List<String> ids;
        try {
            ids = z.getChildren(OVERRIDES + "/" + service, false);
        } catch (KeeperException.NoNodeException none) {
            return out;
        }
        for (String id : ids) {
            try {
                out.put(
                        id,
                        JSON.readValue(z.getData(OVERRIDES + "/" + service + "/" + id, false, null), Override.class));
            } catch (KeeperException.NoNodeException gone) {
                // removed meanwhile
            } catch (RuntimeException notOurs) {
                // not an override this server wrote: discovery ignores it too
            }
        }
        return out;
    }

    @PutMapping("/{name}/{id}/override")
    @Operation(
            summary = "Take an instance out of rotation (enabled=false) or back, or change its weight; discovery"
                    + " clients honour it at once, the instance keeps running. Needs write on the instance's znode")
    public Override setOverride(
            @PathVariable String name,
            @PathVariable String id,
            @RequestBody Override body,
            Principal principal,
            HttpServletRequest http)
            throws KeeperException, InterruptedException {
        if (body == null || (body.enabled() == null && body.weight() == null)) {
            throw ApiException.badRequest("enabled and/or weight is required");
        }
        if (body.weight() != null && body.weight() < 1) {
            throw ApiException.badRequest("weight is a positive integer");
        }
        String path = overridePath(name, id);
        Override stored = new Override(
                body.enabled() == null ? Boolean.TRUE : body.enabled(),
                body.weight(),
                RestAudit.user(principal),
                Instant.now().toString());
        byte[] data = JSON.writeValueAsBytes(stored);
        return audit.audited(
                new RestAudit.Write("override", null, path, principal, http),
                () -> 0L,
                () -> {
                    access.requireZnode(AccessPolicy.Action.WRITE, instancePath(name, id));
                    ZooKeeper z = zk.get();
                    ensureParents(z, path);
                    try {
                        z.setData(path, data, -1);
                    } catch (KeeperException.NoNodeException absent) {
                        z.create(path, data, wireAcls.forRoot(zk.identityId()), CreateMode.PERSISTENT);
                    }
                    return stored;
                },
                o -> new RestAudit.Outcome(null, null, null));
    }

    @DeleteMapping("/{name}/{id}/override")
    @Operation(summary = "Remove an instance's override: it is served as registered again")
    public ResponseEntity<Void> removeOverride(
            @PathVariable String name, @PathVariable String id, Principal principal, HttpServletRequest http)
            throws KeeperException, InterruptedException {
        String path = overridePath(name, id);
        return audit.audited(
                new RestAudit.Write("override", null, path, principal, http),
                () -> 0L,
                () -> {
                    access.requireZnode(AccessPolicy.Action.WRITE, instancePath(name, id));
                    try {
                        zk.get().delete(path, -1);
                    } catch (KeeperException.NoNodeException none) {
                        // nothing to remove
                    }
                    return ResponseEntity.noContent().<Void>build();
                },
                r -> new RestAudit.Outcome(null, null, null));
    }

    private String instancePath(String name, String id) {
        return props.getServicesPath() + "/" + Znodes.path("/" + name, false).substring(1) + "/"
                + Znodes.path("/" + id, false).substring(1);
    }

    private static String overridePath(String name, String id) {
        return OVERRIDES + "/" + Znodes.path("/" + name, false).substring(1) + "/"
                + Znodes.path("/" + id, false).substring(1);
    }

    private void ensureParents(ZooKeeper z, String path) throws KeeperException, InterruptedException {
        int slash = path.lastIndexOf('/');
        String parent = path.substring(0, slash);
        if (parent.isEmpty() || z.exists(parent, false) != null) {
            return;
        }
        ensureParents(z, parent);
        try {
            z.create(parent, new byte[0], wireAcls.forRoot(zk.identityId()), CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException raced) {
            // created meanwhile
        }
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
