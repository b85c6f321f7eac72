package io.coordinator.spring.config;

import io.coordinator.config.format.crypto.CryptoException;
import io.coordinator.config.format.crypto.EncryptedValue;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.env.EnumerablePropertySource;

/**
 * The properties of one configuration context ({@code /config/<name>}), replaced in place when the server
 * reports a change. {@link #version()} is the largest mzxid or pzxid among the nodes read, its gray release node
 * included. Where a gray release selects this instance, the values are the release's ({@link #gray()}).
 *
 * <p>{@code {cipher}} values stay ciphertext in {@link #values()} (and so in the local copy); {@link
 * #getProperty} answers their plain text, decrypted when a snapshot is installed so that a missing or wrong key
 * shows at once: at startup it fails the start, on a live change the key keeps its last good value and is listed in
 * {@link #undecryptable()}.
 */
public class CoordinatorPropertySource extends EnumerablePropertySource<Map<String, Object>> {
    private static final Log log = LogFactory.getLog(CoordinatorPropertySource.class);
    private final String path;
    private volatile Map<String, Object> values;
    private volatile long version;
    private volatile Map<String, Map<String, Object>> documents;
    private volatile Map<String, String> broken;
    private volatile String origin;
    private volatile Instant loadedAt;
    private final ConfigLocalCopy localCopy;
    private final ConfigKeyRing keys;
    private volatile Map<String, String> plain;
    private volatile Map<String, String> undecryptable = Map.of();
    private volatile GrayStatus gray;

    /** Where the values came from: the server, the local copy (server unreachable at startup), or nowhere yet. */
    public static final String SERVER = "server";

    public static final String LOCAL_COPY = "local-copy";
    public static final String NONE = "none";

    public CoordinatorPropertySource(
            String path,
            ConfigTree.Snapshot snapshot,
            String origin,
            Instant loadedAt,
            ConfigLocalCopy localCopy,
            ConfigKeyRing keys) {
        this(path, snapshot, GrayStatus.NONE, origin, loadedAt, localCopy, keys);
    }

    /** A source whose {@code snapshot} is the main values with {@code gray} applied where it selects this instance. */
    public CoordinatorPropertySource(
            String path,
            ConfigTree.Snapshot snapshot,
            GrayStatus gray,
            String origin,
            Instant loadedAt,
            ConfigLocalCopy localCopy,
            ConfigKeyRing keys) {
        super("coordinator:" + path, Collections.emptyMap());
        this.gray = gray;
        this.path = path;
        this.keys = keys;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(snapshot.values()));
        Map<String, String> decrypted = new LinkedHashMap<>();
        this.values.forEach((k, v) -> {
            if (v instanceof String s && EncryptedValue.isEncrypted(s)) {
                try {
                    decrypted.put(k, keys.decrypt(s));
                } catch (CryptoException e) {
                    throw new CryptoException(
                            e.keyId(), "Configuration " + path + " property " + k + ": " + e.getMessage(), e);
                }
            }
        });
        this.plain = decrypted;
        this.version = snapshot.mzxid();
        this.documents = snapshot.documents();
        this.broken = snapshot.broken();
        this.origin = origin;
        this.loadedAt = loadedAt;
        this.localCopy = localCopy;
    }

    public String path() {
        return path;
    }

    /** Largest mzxid or pzxid among this context's nodes (0 when the context does not exist). */
    public long version() {
        return version;
    }

    /** {@link #SERVER}, {@link #LOCAL_COPY} or {@link #NONE}. */
    public String origin() {
        return origin;
    }

    /** When these values were last read from the server (for a local copy: when it was written); null if never. */
    public Instant loadedAt() {
        return loadedAt;
    }

    /** This context's local copy, or null when local copies are off. */
    public ConfigLocalCopy localCopy() {
        return localCopy;
    }

    public Map<String, Object> values() {
        return values;
    }

    /** Values of each document node (the last good ones for a broken node), to keep when a document breaks. */
    public Map<String, Map<String, Object>> documents() {
        return documents;
    }

    /** Document nodes that do not parse now: node path to "line L, column C: problem". */
    public Map<String, String> broken() {
        return broken;
    }

    /**
     * Encrypted properties of the last snapshot that could not be decrypted (property to the reason, which names the
     * key id): they keep their last good value.
     */
    public Map<String, String> undecryptable() {
        return undecryptable;
    }

    /** The gray release of this context as last read, and whether this instance runs it. */
    public GrayStatus gray() {
        return gray;
    }

    /** Installs a new snapshot; returns the keys whose value changed, appeared or disappeared. */
    public Set<String> update(ConfigTree.Snapshot snapshot) {
        return update(snapshot, gray);
    }

    /**
     * Installs a new snapshot, the main values with {@code gray} applied where it selects this instance; returns the
     * keys whose value changed, appeared or disappeared.
     */
    public synchronized Set<String> update(ConfigTree.Snapshot snapshot, GrayStatus gray) {
        Map<String, Object> old = values;
        Map<String, Object> now = new LinkedHashMap<>(snapshot.values());
        Map<String, String> decrypted = new LinkedHashMap<>();
        Map<String, String> failed = new TreeMap<>();
        for (Map.Entry<String, Object> e : now.entrySet()) {
            if (e.getValue() instanceof String s && EncryptedValue.isEncrypted(s)) {
                try {
                    decrypted.put(e.getKey(), keys.decrypt(s));
                } catch (CryptoException ex) {
                    failed.put(e.getKey(), ex.getMessage());
                    if (!ex.getMessage().equals(undecryptable.get(e.getKey()))) {
                        log.warn("Configuration " + path + " property " + e.getKey() + ": " + ex.getMessage()
                                + "; keeping its last good value");
                    }
                    // Keep the last good value: the old ciphertext and its plain text (or none if there was none).
                    if (old.containsKey(e.getKey()) && plain.containsKey(e.getKey())) {
                        e.setValue(old.get(e.getKey()));
                        decrypted.put(e.getKey(), plain.get(e.getKey()));
                    } else {
                        e.setValue(null);
                    }
                }
            }
        }
        now.values().removeIf(Objects::isNull);
        Set<String> changed = new TreeSet<>();
        for (Map.Entry<String, Object> e : now.entrySet()) {
            if (!Objects.equals(old.get(e.getKey()), e.getValue())) {
                changed.add(e.getKey());
            }
        }
        for (String k : old.keySet()) {
            if (!now.containsKey(k)) {
                changed.add(k);
            }
        }
        boolean wasServer = SERVER.equals(origin);
        values = Collections.unmodifiableMap(new LinkedHashMap<>(now));
        plain = decrypted;
        undecryptable = Collections.unmodifiableMap(failed);
        version = snapshot.mzxid();
        documents = snapshot.documents();
        broken = snapshot.broken();
        this.gray = gray;
        origin = SERVER;
        loadedAt = Instant.now();
        if (localCopy != null && (!changed.isEmpty() || !wasServer)) {
            localCopy.write(snapshot);
        }
        return changed;
    }

    @Override
    public Object getProperty(String name) {
        String p = plain.get(name);
        return p != null ? p : values.get(name);
    }

    @Override
    public boolean containsProperty(String name) {
        return values.containsKey(name);
    }

    @Override
    public String[] getPropertyNames() {
        return values.keySet().toArray(new String[0]);
    }
}
