package io.coordinator.spring.config;

import java.util.List;
import java.util.Set;
import org.springframework.context.ApplicationEvent;

/** Published after a configuration change was applied to the Environment and to the beans. */
public class CoordinatorConfigChangedEvent extends ApplicationEvent {
    private final Set<String> keys;
    private final String path;
    private final long version;
    private final List<String> notRefreshed;

    public CoordinatorConfigChangedEvent(Object source, String path, long version, Set<String> keys) {
        this(source, path, version, keys, List.of());
    }

    public CoordinatorConfigChangedEvent(
            Object source, String path, long version, Set<String> keys, List<String> notRefreshed) {
        super(source);
        this.path = path;
        this.version = version;
        this.keys = Set.copyOf(keys);
        this.notRefreshed = List.copyOf(notRefreshed);
    }

    /**
     * Bindings that use a changed key but keep their old value: @Value constructor or @Bean method parameters and
     * constructor-bound @ConfigurationProperties ("bean member (source)").
     */
    public List<String> notRefreshed() {
        return notRefreshed;
    }

    /** Property keys whose value changed, appeared or disappeared. */
    public Set<String> keys() {
        return keys;
    }
    /** The configuration context that changed, e.g. /config/order-service. */
    public String path() {
        return path;
    }
    /** Its new version (largest mzxid or pzxid in the context: deletions move it too). */
    public long version() {
        return version;
    }

    @Override
    public String toString() {
        return "CoordinatorConfigChangedEvent[" + path + "@" + version + " " + keys + "]";
    }
}
