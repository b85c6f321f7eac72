package io.coordinator.server.web;

import io.coordinator.server.ops.AuditLog;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.KeeperException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Configuration per application and profile ({@code context} = {@code app} or {@code app,profile}): read as the
 * starter reads it, publish atomically with a comment, history, diff and rollback.
 */
@RestController
@RequestMapping("/api/config")
@Tag(name = "configuration", description = "Configuration contexts, publish, history, diff, rollback")
public class ConfigController {
    private final ConfigStore store;
    private final Access access;
    private final RestAudit audit;
    private final AuditLog auditLog;
    private final ConfigEncryption encryption;

    private final LocalZooKeeper zk;
    private final WebProperties props;

    public ConfigController(
            ConfigStore store,
            Access access,
            AuditLog audit,
            ConfigEncryption encryption,
            LocalZooKeeper zk,
            WebProperties props) {
        this.zk = zk;
        this.props = props;
        this.store = store;
        this.access = access;
        this.audit = new RestAudit(audit);
        this.auditLog = audit;
        this.encryption = encryption;
    }

    /** The context named in the path, once the current user may do {@code action} on it. */
    private ConfigStore.Context context(String name, AccessPolicy.Action action) {
        ConfigStore.Context c = ConfigStore.Context.parse(name);
        access.requireContext(action, c);
        return c;
    }

    /** @param expectedVersion the latest version the publisher saw (optional; 409 if another was published) */
    /**
     * The new property set: {@code properties}, or one {@code document} (properties, yaml or json text) that is
     * parsed as applications parse it and refused with its line and column if it does not.
     */
    public record PublishRequest(
            Map<String, String> properties, Document document, String comment, Integer expectedVersion) {}

    public record Document(String format, String text) {}

    public record RollbackRequest(Integer version, String comment) {}

    public record EncryptRequest(String value, String keyId) {}

    public record EncryptResponse(String value) {}

    public record EncryptionKeys(List<String> keyIds) {}

    @GetMapping
    @Operation(summary = "Every configuration context the user may read, with its latest published version")
    public List<ConfigStore.ContextSummary> contexts() throws KeeperException, InterruptedException {
        return store.contexts().stream()
                .filter(c -> access.mayReadContext(new ConfigStore.Context(c.application(), c.profile())))
                .toList();
    }

    @GetMapping("/{context}")
    @Operation(summary = "The properties of a context, as a client app using the starter sees them")
    public ConfigStore.ConfigView read(@PathVariable String context) throws KeeperException, InterruptedException {
        ConfigStore.ConfigView v = store.read(context(context, AccessPolicy.Action.READ));
        return new ConfigStore.ConfigView(
                v.context(),
                v.application(),
                v.profile(),
                ConfigEncryption.mask(v.properties()),
                v.version(),
                v.mzxid());
    }

    @PutMapping("/{context}")
    @Operation(summary = "Publish the whole property set of a context atomically, with a comment")
    public ConfigStore.Version publish(
            @PathVariable String context,
            @RequestBody PublishRequest body,
            Principal principal,
            HttpServletRequest http)
            throws KeeperException, InterruptedException {
        ConfigStore.Context c = ConfigStore.Context.parse(context);
        return masked(audited("publish", c, principal, http, () -> {
            access.requireContext(AccessPolicy.Action.PUBLISH, c); // a refusal is audited too
            Map<String, String> properties = properties(c, body);
            return store.publish(c, properties, body.comment(), name(principal), body.expectedVersion(), null);
        }));
    }

    @PostMapping("/{context}/preview")
    @Operation(summary = "What publishing this body would change (a dry run): the diff, encrypted values masked")
    public ConfigStore.Diff preview(@PathVariable String context, @RequestBody PublishRequest body)
            throws KeeperException, InterruptedException {
        ConfigStore.Context c = context(context, AccessPolicy.Action.PUBLISH);
        Map<String, String> current = current(c);
        return ConfigEncryption.mask(ConfigStore.diffOf(c.name(), current, properties(c, body)));
    }

    /** The property set a publish body stands for: validated, masks of unchanged encrypted values resolved. */
    private Map<String, String> properties(ConfigStore.Context c, PublishRequest body)
            throws KeeperException, InterruptedException {
        return body == null ? desired(store, c, null, null) : desired(store, c, body.properties(), body.document());
    }

    /**
     * The property set that {@code properties} or a {@code document} (exactly one) stands for, validated, with the
     * masks of unchanged encrypted values resolved against what {@code c} stores now.
     */
    static Map<String, String> desired(
            ConfigStore store, ConfigStore.Context c, Map<String, String> properties, Document document)
            throws KeeperException, InterruptedException {
        if ((properties == null) == (document == null)) {
            throw ApiException.badRequest("either properties (an empty object publishes an empty set) or a document"
                    + " {format: properties|yaml|json, text} is required");
        }
        Map<String, String> out =
                properties != null ? properties : ConfigDocuments.parse(document.format(), document.text());
        if (out.values().stream().anyMatch(io.coordinator.config.format.crypto.EncryptedValue::isEncrypted)) {
            Map<String, String> current = store.propertiesOrNull(c);
            out = ConfigEncryption.unmask(out, current == null ? Map.of() : current);
        }
        return out;
    }

    @GetMapping("/{context}/encrypt")
    @Operation(summary = "The key ids a value of this context can be encrypted for")
    public EncryptionKeys encryptionKeys(@PathVariable String context) {
        context(context, AccessPolicy.Action.PUBLISH);
        return new EncryptionKeys(encryption.keyIds());
    }

    @PostMapping("/{context}/encrypt")
    @Operation(
            summary = "Encrypt a value for the applications holding a key id's private key; stores nothing. Publish"
                    + " the answer as the property's value: only those applications can read it")
    public EncryptResponse encrypt(@PathVariable String context, @RequestBody EncryptRequest body) {
        context(context, AccessPolicy.Action.PUBLISH);
        if (body == null || body.value() == null) {
            throw ApiException.badRequest("value is required");
        }
        if (body.keyId() == null) {
            throw ApiException.badRequest("keyId is required");
        }
        return new EncryptResponse(encryption.encrypt(body.value(), body.keyId()));
    }

    @GetMapping("/{context}/audit")
    @Operation(
            summary = "This member's latest audit lines of the context: REST publishes and rollbacks, and wire writes"
                    + " to its znodes (with coordinator.audit.enabled), newest first")
    public List<Map<String, Object>> audit(
            @PathVariable String context, @RequestParam(defaultValue = "100") int limit) {
        ConfigStore.Context c = context(context, AccessPolicy.Action.READ);
        String name = c.name();
        String znodes = store.configPath(c);
        return auditLog.recent(
                line -> name.equals(line.get("context"))
                        || line.get("path") instanceof String p && (p.equals(znodes) || p.startsWith(znodes + "/")),
                Math.max(1, Math.min(limit, 1000)));
    }

    @GetMapping("/{context}/instances")
    @Operation(
            summary = "Which registered instances run which version of the context (from the config.<context>"
                    + " metadata the starter keeps current)")
    public List<ConfigListeners.Listener> instances(@PathVariable String context)
            throws KeeperException, InterruptedException {
        ConfigStore.Context c = context(context, AccessPolicy.Action.READ);
        return ConfigListeners.of(zk.get(), props.getServicesPath(), c.name(), store.history(c), access);
    }

    @GetMapping("/{context}/history")
    @Operation(summary = "Published versions, newest first")
    public List<ConfigStore.Version> history(@PathVariable String context)
            throws KeeperException, InterruptedException {
        return store.history(context(context, AccessPolicy.Action.READ));
    }

    @GetMapping("/{context}/history/{version}")
    @Operation(summary = "One published version with its full property set")
    public ConfigStore.Version version(@PathVariable String context, @PathVariable int version)
            throws KeeperException, InterruptedException {
        return masked(store.version(context(context, AccessPolicy.Action.READ), version));
    }

    @GetMapping("/{context}/diff")
    @Operation(summary = "Differences from one version to another (or to the current content when 'to' is absent)")
    public ConfigStore.Diff diff(
            @PathVariable String context, @RequestParam int from, @RequestParam(required = false) Integer to)
            throws KeeperException, InterruptedException {
        return ConfigEncryption.mask(store.diff(context(context, AccessPolicy.Action.READ), from, to));
    }

    @PostMapping("/{context}/rollback")
    @Operation(summary = "Publish an earlier version's property set again (a new version)")
    public ConfigStore.Version rollback(
            @PathVariable String context,
            @RequestBody RollbackRequest body,
            Principal principal,
            HttpServletRequest http)
            throws KeeperException, InterruptedException {
        if (body == null || body.version() == null) {
            throw ApiException.badRequest("version is required");
        }
        ConfigStore.Context c = ConfigStore.Context.parse(context);
        return masked(audited("rollback", c, principal, http, () -> {
            access.requireContext(AccessPolicy.Action.ROLLBACK, c);
            return store.rollback(c, body.version(), body.comment(), name(principal));
        }));
    }

    /** The context's stored properties (ciphertext, unmasked), or none when it does not exist. */
    private Map<String, String> current(ConfigStore.Context c) throws KeeperException, InterruptedException {
        Map<String, String> p = store.propertiesOrNull(c);
        return p == null ? Map.of() : p;
    }

    /** A version as answered: {@code {cipher}} values masked (history keeps the ciphertext). */
    private static ConfigStore.Version masked(ConfigStore.Version v) {
        return v.withProperties(ConfigEncryption.mask(v.properties()));
    }

    /** Runs a change of configuration and writes its audit line, success or failure. */
    private ConfigStore.Version audited(
            String operation,
            ConfigStore.Context c,
            Principal principal,
            HttpServletRequest http,
            RestAudit.Change<ConfigStore.Version> change)
            throws KeeperException, InterruptedException {
        return audit.audited(
                new RestAudit.Write(operation, c.name(), store.configPath(c), principal, http),
                store::sessionId,
                change,
                v -> new RestAudit.Outcome(null, v.version(), v.zxid() == null ? null : Long.decode(v.zxid())));
    }

    private static String name(Principal p) {
        return RestAudit.user(p);
    }
}
