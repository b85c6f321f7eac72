package io.coordinator.server.web;

import io.coordinator.server.ops.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.function.Function;
import java.util.function.LongSupplier;
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

    /** What the audit line says about a change that succeeded ({@code path} null: the write's own path). */
    record Outcome(String path, Integer version, Long zxid) {}

    /** One write of the REST layer: what it is, who asked, from where. */
    record Write(String operation, String context, String path, Principal principal, HttpServletRequest http) {}

    /**
     * Runs {@code change} and writes its audit line, success (as {@code outcome} describes the result) or failure,
     * with the REST layer's session as {@code session} reports it afterwards.
     */
    <T> T audited(Write w, LongSupplier session, Change<T> change, Function<T, Outcome> outcome)
            throws KeeperException, InterruptedException {
        T result;
        try {
            result = change.run();
        } catch (KeeperException | InterruptedException | RuntimeException e) {
            line(w, session.getAsLong(), null, error(e));
            throw e;
        }
        line(w, session.getAsLong(), outcome.apply(result), null);
        return result;
    }

    private void line(Write w, long sessionId, Outcome outcome, String error) {
        log.restChange(new AuditLog.RestChange(
                user(w.principal()),
                sessionId,
                address(w.http()),
                w.operation(),
                w.context(),
                outcome == null || outcome.path() == null ? w.path() : outcome.path(),
                outcome == null ? null : outcome.version(),
                outcome == null || outcome.zxid() == null ? null : Znodes.hex(outcome.zxid()),
                error));
    }

    static String user(Principal p) {
        return p == null ? "anonymous" : p.getName();
    }

    static String address(HttpServletRequest http) {
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
