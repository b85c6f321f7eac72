package io.coordinator.server.web;

import io.coordinator.server.ops.AuditLog;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.zookeeper.KeeperException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Configuration in and out: one context as a properties, YAML or JSON document, every context as one archive,
 * import of an archive and copy of a context to another, each with a dry run that shows the diff. Exports hold
 * encrypted values as their ciphertext (so an import reproduces them), and therefore need {@code publish}.
 */
@RestController
@RequestMapping("/api/config")
@Tag(name = "config transfer", description = "Export, import and copy configuration contexts")
public class ConfigTransferController {
    static final String ARCHIVE_FORMAT = "coordinator-config-archive/1";

    private final ConfigStore store;
    private final Access access;
    private final RestAudit audit;

    public ConfigTransferController(ConfigStore store, Access access, AuditLog audit) {
        this.store = store;
        this.access = access;
        this.audit = new RestAudit(audit);
    }

    /** Every context, by name: its properties as applications read them, encrypted values as ciphertext. */
    public record Archive(String format, String exported, Map<String, Map<String, String>> contexts) {}

    /** What an import or copy did, or would do (dry run), to one context; the diff shows encrypted values masked. */
    public record Outcome(String context, String result, ConfigStore.Diff diff, Integer version) {}

    public record CopyRequest(String to, String comment, Boolean dryRun) {}

    @GetMapping(value = "/{context}/export")
    @Operation(summary = "A context's properties as one document: format properties (default), yaml or json")
    public ResponseEntity<String> export(
            @PathVariable String context, @RequestParam(defaultValue = "properties") String format)
            throws KeeperException, InterruptedException {
        ConfigStore.Context c = ConfigStore.Context.parse(context);
        access.requireContext(AccessPolicy.Action.PUBLISH, c);
        String text = ConfigDocuments.write(format, store.read(c).properties());
        return ResponseEntity.ok()
                .contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
                .body(text);
    }

    @GetMapping("/export")
    @Operation(summary = "Every context the user may publish, as one archive (JSON)")
    public Archive exportAll() throws KeeperException, InterruptedException {
        Map<String, Map<String, String>> contexts = new TreeMap<>();
        for (ConfigStore.ContextSummary s : store.contexts()) {
            ConfigStore.Context c = new ConfigStore.Context(s.application(), s.profile());
            if (access.mayOnContext(AccessPolicy.Action.PUBLISH, c)) {
                try {
                    contexts.put(c.name(), new TreeMap<>(store.read(c).properties()));
                } catch (ApiException gone) {
                    // deleted meanwhile
                }
            }
        }
        return new Archive(ARCHIVE_FORMAT, Instant.now().toString(), contexts);
    }

    @PostMapping(value = "/import", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Publish every context of an archive (each one atomically, with its history); dryRun=true"
                    + " answers the diffs and changes nothing. Refused as a whole (403) if one context may not be"
                    + " published")
    public List<Outcome> importAll(
            @RequestBody Archive archive,
            @RequestParam(defaultValue = "false") boolean dryRun,
            Principal principal,
            HttpServletRequest http)
            throws KeeperException, InterruptedException {
        if (archive == null || !ARCHIVE_FORMAT.equals(archive.format()) || archive.contexts() == null) {
            throw ApiException.badRequest("not a configuration archive: format must be \"" + ARCHIVE_FORMAT
                    + "\" with contexts (GET /api/config/export writes one)");
        }
        Map<ConfigStore.Context, Map<String, String>> wanted = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, String>> e : new TreeMap<>(archive.contexts()).entrySet()) {
            ConfigStore.Context c = ConfigStore.Context.parse(e.getKey());
            access.requireContext(AccessPolicy.Action.PUBLISH, c); // all checked before anything changes
            wanted.put(c, e.getValue() == null ? Map.of() : e.getValue());
        }
        List<Outcome> out = new ArrayList<>();
        for (Map.Entry<ConfigStore.Context, Map<String, String>> e : wanted.entrySet()) {
            out.add(apply(e.getKey(), e.getValue(), "import", dryRun, principal, http));
        }
        return out;
    }

    @PostMapping("/{context}/copy")
    @Operation(summary = "Publish a context's properties into another (to), or with dryRun answer the diff only")
    public Outcome copy(
            @PathVariable String context, @RequestBody CopyRequest body, Principal principal, HttpServletRequest http)
            throws KeeperException, InterruptedException {
        ConfigStore.Context from = ConfigStore.Context.parse(context);
        if (body == null || body.to() == null) {
            throw ApiException.badRequest("to (the target context) is required");
        }
        ConfigStore.Context to = ConfigStore.Context.parse(body.to());
        if (to.equals(from)) {
            throw ApiException.badRequest("a context cannot be copied onto itself");
        }
        access.requireContext(AccessPolicy.Action.READ, from);
        access.requireContext(AccessPolicy.Action.PUBLISH, to);
        ConfigStore.ConfigView source = store.read(from);
        String comment = body.comment() == null || body.comment().isBlank()
                ? "copy of " + from.name() + (source.version() == null ? "" : " v" + source.version())
                : body.comment();
        return apply(to, source.properties(), comment, Boolean.TRUE.equals(body.dryRun()), principal, http);
    }

    private Outcome apply(
            ConfigStore.Context c,
            Map<String, String> properties,
            String comment,
            boolean dryRun,
            Principal principal,
            HttpServletRequest http)
            throws KeeperException, InterruptedException {
        Map<String, String> current = store.propertiesOrNull(c);
        ConfigStore.Diff diff = ConfigEncryption.mask(ConfigStore.diffOf(c.name(), current, properties));
        boolean unchanged = current != null && Objects.equals(new TreeMap<>(current), new TreeMap<>(properties));
        String result = current == null ? "new" : unchanged ? "unchanged" : "changed";
        if (dryRun || unchanged) {
            return new Outcome(c.name(), result, diff, null);
        }
        ConfigStore.Version v = audit.audited(
                new RestAudit.Write("publish", c.name(), store.configPath(c), principal, http),
                store::sessionId,
                () -> store.publish(c, properties, comment, RestAudit.user(principal), null, null),
                p -> new RestAudit.Outcome(null, p.version(), p.zxid() == null ? null : Long.decode(p.zxid())));
        return new Outcome(c.name(), result, diff, v.version());
    }
}
