package io.coordinator.server.ops;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.Perms;
import io.coordinator.server.request.AuditEvent;
import io.coordinator.server.request.AuditSink;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log: one JSON object per line to the logger {@value #LOGGER}, so logging configuration can send it to
 * its own file or a collector. Wire writes come from the request pipeline (when {@code coordinator.audit.enabled});
 * REST changes from the web layer (when {@code coordinator.audit.rest}). Secrets never reach a line:
 * a digest identity or ACL id is logged by its user name only, never with its password hash.
 */
public final class AuditLog implements AuditSink {
    public static final String LOGGER = "coordinator.audit";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How many of the latest lines a server keeps in memory for {@link #recent} (the console's audit view). */
    static final int RECENT_LINES = 10_000;

    private final boolean restEnabled;
    private final ArrayDeque<Map<String, Object>> recent = new ArrayDeque<>();

    /** @param restEnabled whether {@link #restChange} writes (coordinator.audit.rest) */
    public AuditLog(boolean restEnabled) {
        this.restEnabled = restEnabled;
    }

    /**
     * A change made through the REST API (or the console, which uses it).
     *
     * @param user      the authenticated REST user
     * @param sessionId the REST layer's session with the local server (0 when it had none)
     * @param address   the HTTP client's ip:port
     * @param operation publish or rollback (configuration); create, setData or delete (znodes)
     * @param context   the configuration context (app or app,profile); null for a znode
     * @param version   the version published, or the znode's data version after the change, when known
     * @param zxid      the change's zxid (0x hex), when known
     * @param error     null on success, else the ZooKeeper error code name or the HTTP status
     */
    public record RestChange(
            String user,
            long sessionId,
            String address,
            String operation,
            String context,
            String path,
            Integer version,
            String zxid,
            String error) {}

    @Override
    public void write(AuditEvent e) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.ofEpochMilli(e.timeMs()).toString());
        line.put("session", hex(e.sessionId()));
        line.put("user", users(e.users()));
        line.put("address", e.address());
        line.put("operation", e.operation());
        putIfSet(line, "path", e.path());
        putIfSet(line, "znodeType", e.znodeType());
        if (e.acl() != null) {
            line.put("acl", acls(e.acl()));
        }
        if (e.success()) {
            line.put("zxid", hex(e.zxid()));
            line.put("result", "success");
        } else {
            line.put("result", "failure");
            line.put("error", Code.name(e.err()));
        }
        emit(line);
    }

    /** Writes a REST change, unless coordinator.audit.rest is off. */
    public void restChange(RestChange c) {
        if (!restEnabled) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("session", hex(c.sessionId()));
        line.put("user", List.of("rest:" + c.user()));
        line.put("address", c.address());
        line.put("operation", c.operation());
        putIfSet(line, "context", c.context());
        putIfSet(line, "path", c.path());
        putIfSet(line, "version", c.version());
        putIfSet(line, "zxid", c.zxid());
        line.put("result", c.error() == null ? "success" : "failure");
        putIfSet(line, "error", c.error());
        emit(line);
    }

    /**
     * The lines this server wrote since it started (the latest {@value #RECENT_LINES}), newest first, that
     * {@code filter} accepts, at most {@code limit}. Each member keeps its own: a wire write is audited on the
     * member its client is connected to.
     */
    public synchronized List<Map<String, Object>> recent(Predicate<Map<String, Object>> filter, int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Iterator<Map<String, Object>> it = recent.descendingIterator(); it.hasNext() && out.size() < limit; ) {
            Map<String, Object> line = it.next();
            if (filter.test(line)) {
                out.add(line);
            }
        }
        return out;
    }

    private synchronized void remember(Map<String, Object> line) {
        if (recent.size() == RECENT_LINES) {
            recent.removeFirst();
        }
        recent.addLast(Collections.unmodifiableMap(line));
    }

    /** One line; a failure to write it is reported, never thrown at the request it describes. */
    private void emit(Map<String, Object> line) {
        remember(line);
        if (!log.isInfoEnabled()) {
            return;
        }
        try {
            log.info(JSON.writeValueAsString(line));
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(AuditLog.class)
                    .error("Could not write an audit line for {}", line.get("operation"), e);
        }
    }

    /** The identities as scheme:id; a digest one as digest:user (its hash is a password equivalent). */
    static List<String> users(List<Id> ids) {
        List<String> out = new ArrayList<>(ids.size());
        for (Id id : ids) {
            out.add("super".equals(id.scheme()) ? "super" : id.scheme() + ":" + safeId(id));
        }
        return out;
    }

    /** ACL entries as ZooKeeper's ZKUtil.aclToString writes them (scheme:id:perms), digest ids without the hash. */
    static List<String> acls(List<Acl> acl) {
        List<String> out = new ArrayList<>(acl.size());
        for (Acl a : acl) {
            Id id = a.id() == null ? new Id(null, null) : a.id();
            out.add(id.scheme() + ":" + safeId(id) + ":" + perms(a.perms()));
        }
        return out;
    }

    private static String safeId(Id id) {
        String value = id.id();
        if ("digest".equals(id.scheme()) && value != null && value.indexOf(':') >= 0) {
            return value.substring(0, value.indexOf(':'));
        }
        return value;
    }

    private static String perms(int perms) {
        StringBuilder p = new StringBuilder(5);
        if ((perms & Perms.READ) != 0) {
            p.append('r');
        }
        if ((perms & Perms.WRITE) != 0) {
            p.append('w');
        }
        if ((perms & Perms.CREATE) != 0) {
            p.append('c');
        }
        if ((perms & Perms.DELETE) != 0) {
            p.append('d');
        }
        if ((perms & Perms.ADMIN) != 0) {
            p.append('a');
        }
        return p.toString();
    }

    private static void putIfSet(Map<String, Object> line, String key, Object value) {
        if (value != null) {
            line.put(key, value);
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
