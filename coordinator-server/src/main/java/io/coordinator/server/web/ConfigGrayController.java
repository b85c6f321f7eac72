package io.coordinator.server.web;

import io.coordinator.config.format.gray.GrayRelease;
import io.coordinator.config.format.gray.GraySelector;
import io.coordinator.server.ops.AuditLog;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.KeeperException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Gray releases of a context: start one for the instances a selector picks, watch which instance runs what, widen
 * it, then promote it to the main version or abort it. Every change needs {@code publish} on the context and is
 * audited like a publish.
 */
@RestController
@RequestMapping("/api/config/{context}/gray")
@Tag(name = "gray release", description = "Send a change of a context to some instances, watch, promote or abort")
public class ConfigGrayController {
    private final ConfigGray gray;
    private final ConfigStore store;
    private final Access access;
    private final RestAudit audit;

    public ConfigGrayController(ConfigGray gray, ConfigStore store, Access access, AuditLog audit) {
        this.gray = gray;
        this.store = store;
        this.access = access;
        this.audit = new RestAudit(audit);
    }

    /**
     * The gray version ({@code properties} or a {@code document}, the whole property set as for a publish: what
     * differs from main is the release), who gets it, and why.
     */
    public record GrayRequest(
            Map<String, String> properties, ConfigController.Document document, Selector selector, String comment) {}

    /** Every criterion given must hold; lists match any of their entries, labels all of theirs. */
    public record Selector(
            List<String> instances,
            List<String> addresses,
            List<String> zones,
            List<String> services,
            Map<String, String> labels,
            Integer percent) {
        GraySelector toSelector() {
            try {
                return new GraySelector(instances, addresses, zones, services, labels, percent);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
    }

    public record Comment(String comment) {}

    @GetMapping
    @Operation(
            summary = "The running gray release: its change against main now, and every instance reading the"
                    + " context with whether the release selects it and what it reports to run")
    public ConfigGray.State state(@PathVariable String context) throws KeeperException, InterruptedException {
        ConfigStore.Context c = context(context, AccessPolicy.Action.READ);
        ConfigGray.State s = gray.state(c, access);
        return new ConfigGray.State(
                s.release(),
                s.context(),
                s.baseVersion(),
                s.author(),
                s.timestamp(),
                s.comment(),
                s.selector(),
                ConfigEncryption.mask(s.set()),
                s.remove(),
                ConfigEncryption.mask(s.diff()),
                s.instances());
    }

    @GetMapping("/history")
    @Operation(summary = "Gray releases started, updated, promoted and aborted, newest first")
    public List<ConfigGray.Event> history(@PathVariable String context) throws KeeperException, InterruptedException {
        return gray.events(context(context, AccessPolicy.Action.READ)).stream()
                .map(e -> new ConfigGray.Event(
                        e.action(),
                        e.release(),
                        e.author(),
                        e.timestamp(),
                        e.comment(),
                        e.selector(),
                        ConfigEncryption.mask(e.set()),
                        e.remove(),
                        e.baseVersion()))
                .toList();
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Start a gray release (409 while one runs)")
    public ConfigGray.State start(
            @PathVariable String context, @RequestBody GrayRequest body, Principal principal, HttpServletRequest http)
            throws KeeperException, InterruptedException {
        return change("gray-start", gray::start, context, body, principal, http);
    }

    @PutMapping
    @Operation(summary = "Change the running gray release's values or selector (it keeps its id)")
    public ConfigGray.State update(
            @PathVariable String context, @RequestBody GrayRequest body, Principal principal, HttpServletRequest http)
            throws KeeperException, InterruptedException {
        return change("gray-update", gray::update, context, body, principal, http);
    }

    /** {@link ConfigGray#start} or {@link ConfigGray#update}. */
    private interface Step {
        GrayRelease run(
                ConfigStore.Context c,
                Map<String, String> desired,
                GraySelector selector,
                String comment,
                String author)
                throws KeeperException, InterruptedException;
    }

    /** Starts or updates a release once the user may publish the context, audited; answers the state after. */
    private ConfigGray.State change(
            String operation, Step step, String context, GrayRequest body, Principal principal, HttpServletRequest http)
            throws KeeperException, InterruptedException {
        ConfigStore.Context c = ConfigStore.Context.parse(context);
        audited(operation, c, principal, http, () -> {
            access.requireContext(AccessPolicy.Action.PUBLISH, c);
            GrayRequest b = required(body);
            return step.run(c, desired(c, b), selector(b), b.comment(), RestAudit.user(principal));
        });
        return state(context);
    }

    @PostMapping("/promote")
    @Operation(summary = "Make the gray version the new main version (published, in history) and end the release")
    public ConfigStore.Version promote(
            @PathVariable String context,
            @RequestBody(required = false) Comment body,
            Principal principal,
            HttpServletRequest http)
            throws KeeperException, InterruptedException {
        ConfigStore.Context c = ConfigStore.Context.parse(context);
        ConfigStore.Version v = audit.audited(
                new RestAudit.Write("gray-promote", c.name(), GrayRelease.path(c.name()), principal, http),
                store::sessionId,
                () -> {
                    access.requireContext(AccessPolicy.Action.PUBLISH, c);
                    return gray.promote(c, body == null ? null : body.comment(), RestAudit.user(principal));
                },
                x -> new RestAudit.Outcome(null, x.version(), x.zxid() == null ? null : Long.decode(x.zxid())));
        return v.withProperties(ConfigEncryption.mask(v.properties()));
    }

    @PostMapping("/abort")
    @Operation(summary = "End the gray release: every instance goes back to the main version")
    public Map<String, String> abort(
            @PathVariable String context,
            @RequestBody(required = false) Comment body,
            Principal principal,
            HttpServletRequest http)
            throws KeeperException, InterruptedException {
        ConfigStore.Context c = ConfigStore.Context.parse(context);
        GrayRelease r = audited("gray-abort", c, principal, http, () -> {
            access.requireContext(AccessPolicy.Action.PUBLISH, c);
            return gray.abort(c, body == null ? null : body.comment(), RestAudit.user(principal));
        });
        return Map.of("release", r.release(), "context", c.name(), "aborted", "true");
    }

    private ConfigStore.Context context(String name, AccessPolicy.Action action) {
        ConfigStore.Context c = ConfigStore.Context.parse(name);
        access.requireContext(action, c);
        return c;
    }

    private static GrayRequest required(GrayRequest body) {
        if (body == null) {
            throw ApiException.badRequest("the gray version (properties or document) and a selector are required");
        }
        return body;
    }

    private static GraySelector selector(GrayRequest b) {
        return b.selector() == null ? null : b.selector().toSelector();
    }

    private Map<String, String> desired(ConfigStore.Context c, GrayRequest b)
            throws KeeperException, InterruptedException {
        return ConfigController.desired(store, c, b.properties(), b.document());
    }

    private GrayRelease audited(
            String operation,
            ConfigStore.Context c,
            Principal principal,
            HttpServletRequest http,
            RestAudit.Change<GrayRelease> change)
            throws KeeperException, InterruptedException {
        return audit.audited(
                new RestAudit.Write(operation, c.name(), GrayRelease.path(c.name()), principal, http),
                store::sessionId,
                change,
                r -> new RestAudit.Outcome(null, null, null));
    }
}
