package io.coordinator.server.web;

import io.coordinator.server.ops.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import org.apache.zookeeper.KeeperException;

/**
 * The audit lines of REST changes: the authenticated user, the HTTP client's address, and the REST layer's session
 * with the local server. One line per change, success or failure (coordinator.audit.rest switches them).
 */
final class RestAudit {
    private final AuditLog log;

    RestAudit(AuditLog log) {
        this.log = log;
    }

    /** A change that may fail with a ZooKeeper error or an ApiException. */
    interface Change<T> {
        T run() throws KeeperException, InterruptedException;
    }

    /** What the audit line says about a change that succeeded. */
    record Outcome(Integer version, Long zxid) {}

    /** One write of the REST layer: what it is, who asked, from where. */
    record Write(String operation, String context, String path, Principal principal, HttpServletRequest http) {}

    void succeeded(Write w, long sessionId, Outcome outcome) {
        log.restChange(new AuditLog.RestChange(
                user(w.principal()),
                sessionId,
                address(w.http()),
                w.operation(),
                w.context(),
                w.path(),
                outcome.version(),
                outcome.zxid() == null ? null : Znodes.hex(outcome.zxid()),
                null));
    }

    void failed(Write w, long sessionId, Exception e) {
        log.restChange(new AuditLog.RestChange(
                user(w.principal()),
                sessionId,
                address(w.http()),
                w.operation(),
                w.context(),
                w.path(),
                null,
                null,
                error(e)));
    }

    static String user(Principal p) {
        return p == null ? "anonymous" : p.getName();
    }

    private static String address(HttpServletRequest http) {
        return http.getRemoteAddr() + ":" + http.getRemotePort();
    }

    /** The ZooKeeper code name, or the HTTP status the client gets. */
    private static String error(Exception e) {
        if (e instanceof KeeperException k) {
            return k.code().name();
        }
        if (e instanceof ApiException a) {
            return "HTTP_" + a.status().value();
        }
        return e.getClass().getSimpleName();
    }
}
