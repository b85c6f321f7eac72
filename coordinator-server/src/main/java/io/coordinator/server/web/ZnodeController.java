package io.coordinator.server.web;

import io.coordinator.config.format.crypto.EncryptedValue;
import io.coordinator.server.ops.AuditLog;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Znodes with ZooKeeper semantics: {@code /api/znodes/<path>}. Versions give optimistic concurrency: a body
 * {@code version} that does not match answers 409 BADVERSION, an {@code If-Match: "<version>"} header 412.
 */
@RestController
@RequestMapping("/api/znodes")
@Tag(name = "znodes", description = "Read, list, create, update and delete znodes")
public class ZnodeController {
    private final LocalZooKeeper zk;
    private final WebProperties props;
    private final Access access;
    private final RestAudit audit;
    private final WireAcls wireAcls;

    public ZnodeController(LocalZooKeeper zk, WebProperties props, Access access, AuditLog audit, WireAcls wireAcls) {
        this.zk = zk;
        this.wireAcls = wireAcls;
        this.props = props;
        this.access = access;
        this.audit = new RestAudit(audit);
    }

    @GetMapping("/{*path}")
    @Operation(summary = "Read a znode: data, Stat, and on request its children and ACL")
    public ResponseEntity<Znodes.ZnodeView> read(
            @PathVariable String path,
            @RequestParam(defaultValue = "false") boolean children,
            @RequestParam(defaultValue = "false") boolean acl)
            throws KeeperException, InterruptedException {
        String p = Znodes.path(path, false);
        access.requireZnode(AccessPolicy.Action.READ, p);
        ZooKeeper z = zk.get();
        Stat stat = new Stat();
        byte[] data = z.getData(p, false, stat);
        List<String> kids = null;
        if (children) {
            kids = new ArrayList<>(z.getChildren(p, false));
            kids.sort(null);
        }
        List<Znodes.AclView> acls = acl ? Znodes.acls(z.getACL(p, new Stat()), access.mayWriteZnode(p)) : null;
        return znodeResponse(ResponseEntity.ok(), p, masked(data), stat, kids, acls);
    }

    @PostMapping("/{*path}")
    @Operation(summary = "Create a znode (persistent, sequential, container or TTL; never ephemeral)")
    public ResponseEntity<Znodes.ZnodeView> create(
            @PathVariable String path,
            @RequestBody(required = false) Znodes.WriteRequest body,
            Principal principal,
            HttpServletRequest http)
            throws KeeperException, InterruptedException {
        return audited(
                "create",
                path,
                principal,
                http,
                session -> create(path, body, session),
                created -> new RestAudit.Outcome( // the created path: a sequential create named it
                        created.getBody().path(),
                        0,
                        Long.decode(created.getBody().stat().czxid())));
    }

    /** A write on the REST layer's session: {@code session[0]} holds it once the write has one. */
    private interface SessionWrite<T> {
        T run(long[] session) throws KeeperException, InterruptedException;
    }

    /** Runs {@code write} and audits it, with the REST layer's session the write used (for the audit line). */
    private <T> T audited(
            String operation,
            String path,
            Principal principal,
            HttpServletRequest http,
            SessionWrite<T> write,
            Function<T, RestAudit.Outcome> outcome)
            throws KeeperException, InterruptedException {
        long[] session = {0};
        return audit.audited(
                new RestAudit.Write(operation, null, path, principal, http),
                () -> session[0],
                () -> write.run(session),
                outcome);
    }

    private ResponseEntity<Znodes.ZnodeView> create(String path, Znodes.WriteRequest body, long[] session)
            throws KeeperException, InterruptedException {
        Znodes.WriteRequest req = body == null ? new Znodes.WriteRequest(null, null, null, null, null, null) : body;
        CreateMode mode = mode(req.mode());
        String p = Znodes.path(path, mode.isSequential());
        access.requireZnode(AccessPolicy.Action.WRITE, p);
        byte[] data = notAMask(Znodes.decode(req.data(), req.encoding(), props.getMaxDataBytes()));
        List<ACL> acl = req.acl() == null || req.acl().isEmpty()
                ? wireAcls.forZnode(p, zk.identityId())
                : req.acl().stream().map(Znodes.AclView::toAcl).toList();
        Stat stat = new Stat();
        String created;
        if (mode.isTTL()) {
            if (req.ttl() == null || req.ttl() <= 0) {
                throw ApiException.badRequest("mode " + req.mode() + " needs a positive ttl (ms)");
            }
            created = client(session).create(p, data, acl, mode, stat, req.ttl());
        } else {
            created = client(session).create(p, data, acl, mode, stat);
        }
        return znodeResponse(
                ResponseEntity.created(URI.create("/api/znodes" + created)), created, masked(data), stat, null, null);
    }

    @PutMapping("/{*path}")
    @Operation(summary = "Set a znode's data, optionally at an expected version")
    public ResponseEntity<Znodes.ZnodeView> update(
            @PathVariable String path,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            @RequestBody Znodes.WriteRequest body,
            Principal principal,
            HttpServletRequest http)
            throws KeeperException, InterruptedException {
        return audited(
                "setData",
                path,
                principal,
                http,
                session -> update(path, ifMatch, body, session),
                updated -> new RestAudit.Outcome(
                        null,
                        updated.getBody().stat().version(),
                        Long.decode(updated.getBody().stat().mzxid())));
    }

    private ResponseEntity<Znodes.ZnodeView> update(
            String path, String ifMatch, Znodes.WriteRequest body, long[] session)
            throws KeeperException, InterruptedException {
        String p = Znodes.path(path, false);
        access.requireZnode(AccessPolicy.Action.WRITE, p);
        byte[] data = notAMask(Znodes.decode(body.data(), body.encoding(), props.getMaxDataBytes()));
        Integer headerVersion = ifMatchVersion(ifMatch);
        int version = headerVersion != null ? headerVersion : body.version() == null ? -1 : body.version();
        Stat stat;
        try {
            stat = client(session).setData(p, data, version);
        } catch (KeeperException.BadVersionException e) {
            if (headerVersion != null) {
                throw preconditionFailed(p);
            }
            throw e;
        }
        return znodeResponse(ResponseEntity.ok(), p, masked(data), stat, null, null);
    }

    /** An encrypted configuration value (data that is a whole {@code {cipher}} text) as its mask, as /api/config. */
    private static byte[] masked(byte[] data) {
        String text = data == null ? null : new String(data, StandardCharsets.UTF_8);
        return EncryptedValue.isEncrypted(text) ? ConfigEncryption.mask(text).getBytes(StandardCharsets.UTF_8) : data;
    }

    /** A mask written back (an editor that read it) would destroy the ciphertext it stands for: refused. */
    private static byte[] notAMask(byte[] data) {
        String text = data == null ? null : new String(data, StandardCharsets.UTF_8);
        if (EncryptedValue.isEncrypted(text) && text.endsWith(":***")) {
            throw ApiException.badRequest("the data is the mask of an encrypted value, not the value: write the"
                    + " ciphertext, or publish the context through /api/config, which keeps an unchanged mask's value");
        }
        return data;
    }

    @DeleteMapping("/{*path}")
    @Operation(summary = "Delete a znode without children, optionally at an expected version")
    public ResponseEntity<Void> delete(
            @PathVariable String path,
            @RequestParam(required = false) Integer version,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            Principal principal,
            HttpServletRequest http)
            throws KeeperException, InterruptedException {
        return audited(
                "delete",
                path,
                principal,
                http,
                session -> {
                    delete(path, version, ifMatch, session);
                    return ResponseEntity.noContent().<Void>build();
                },
                deleted -> new RestAudit.Outcome(null, null, null)); // the client learns no zxid
    }

    private void delete(String path, Integer version, String ifMatch, long[] session)
            throws KeeperException, InterruptedException {
        String p = Znodes.path(path, false);
        access.requireZnode(AccessPolicy.Action.WRITE, p);
        if ("/".equals(p)) {
            throw ApiException.badRequest("the root cannot be deleted");
        }
        Integer headerVersion = ifMatchVersion(ifMatch);
        int v = headerVersion != null ? headerVersion : version == null ? -1 : version;
        try {
            client(session).delete(p, v);
        } catch (KeeperException.BadVersionException e) {
            if (headerVersion != null) {
                throw preconditionFailed(p);
            }
            throw e;
        }
    }

    /** The local client, noting its session for the audit line. */
    private ZooKeeper client(long[] session) throws KeeperException, InterruptedException {
        ZooKeeper z = zk.get();
        session[0] = z.getSessionId();
        return z;
    }

    /** The znode as the API shows it, tagged with its data version (what a later If-Match names). */
    private static ResponseEntity<Znodes.ZnodeView> znodeResponse(
            ResponseEntity.BodyBuilder response,
            String path,
            byte[] data,
            Stat stat,
            List<String> children,
            List<Znodes.AclView> acl) {
        String[] enc = Znodes.encode(data);
        return response.eTag("\"" + stat.getVersion() + "\"")
                .body(new Znodes.ZnodeView(path, enc[0], enc[1], Znodes.StatView.of(stat), children, acl));
    }

    private static ApiException preconditionFailed(String path) {
        return new ApiException(
                HttpStatus.PRECONDITION_FAILED, "If-Match does not match the current version of " + path);
    }

    static Integer ifMatchVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        String v = ifMatch.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.replace("\"", "");
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("If-Match must be a znode version, e.g. \"3\"");
        }
    }

    static CreateMode mode(String mode) {
        if (mode == null || mode.isBlank()) {
            return CreateMode.PERSISTENT;
        }
        CreateMode m;
        try {
            m = CreateMode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("unknown mode '" + mode + "'");
        }
        if (m.isEphemeral()) {
            throw ApiException.badRequest("ephemeral znodes would belong to the REST layer's session; "
                    + "register ephemerals with a ZooKeeper client");
        }
        return m;
    }
}
