package io.coordinator.spring.config;

import io.coordinator.config.format.gray.InstanceFacts;
import io.coordinator.spring.autoconfigure.CoordinatorClientSecurity;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.context.config.ConfigDataResource;

/** One configuration context to load: {@code /config/<name>} on a server. */
public class CoordinatorConfigDataResource extends ConfigDataResource {
    private final ConfigImport settings;
    private final String path;

    CoordinatorConfigDataResource(ConfigImport settings, String path) {
        super(settings.optional());
        this.settings = settings;
        this.path = path;
    }

    public String connectString() {
        return settings.connectString();
    }
    /** The property the connect string came from, for messages. */
    public String connectProperty() {
        return settings.connectProperty();
    }

    public String path() {
        return path;
    }

    public Duration sessionTimeout() {
        return settings.sessionTimeout();
    }

    public Duration connectionTimeout() {
        return settings.connectionTimeout();
    }
    /** Directory of the local copies, or null when they are off. */
    public String localCopy() {
        return settings.localCopy();
    }

    public boolean optionalLocation() {
        return settings.optional();
    }
    /** Credentials and TLS, as for the application's client. */
    public CoordinatorClientSecurity security() {
        return settings.security();
    }

    /** The private keys that decrypt this context's {@code {cipher}} values. */
    public ConfigKeyRing keys() {
        return settings.keys();
    }

    /**
     * This instance as its registration settings describe it, for gray release selectors; the instance id is null
     * when not configured (the loader generates the one the registration will use) and the port 0 when not known.
     */
    public InstanceFacts instance() {
        return settings.instance();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoordinatorConfigDataResource r
                && r.connectString().equals(connectString())
                && r.path.equals(path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connectString(), path);
    }

    @Override
    public String toString() {
        return "coordinator " + connectString() + path;
    }
}
