package io.coordinator.spring.config;

import io.coordinator.config.format.gray.InstanceFacts;
import io.coordinator.spring.autoconfigure.CoordinatorClientSecurity;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.context.config.ConfigDataResource;

/** One configuration context to load: {@code /config/<name>} on a server. */
public class CoordinatorConfigDataResource extends ConfigDataResource {
    private final String connectString;
    private final String connectProperty;
    private final String path;
    private final Duration sessionTimeout;
    private final Duration connectionTimeout;
    private final String localCopy;
    private final boolean optionalLocation;
    private final CoordinatorClientSecurity security;
    private final ConfigKeyRing keys;
    private final InstanceFacts instance;

    public CoordinatorConfigDataResource(
            String connectString,
            String connectProperty,
            String path,
            Duration sessionTimeout,
            Duration connectionTimeout,
            String localCopy,
            boolean optional,
            CoordinatorClientSecurity security,
            ConfigKeyRing keys,
            InstanceFacts instance) {
        super(optional);
        this.connectString = connectString;
        this.connectProperty = connectProperty;
        this.path = path;
        this.sessionTimeout = sessionTimeout;
        this.connectionTimeout = connectionTimeout;
        this.localCopy = localCopy;
        this.optionalLocation = optional;
        this.security = security;
        this.keys = keys;
        this.instance = instance;
    }

    public String connectString() {
        return connectString;
    }
    /** The property the connect string came from, for messages. */
    public String connectProperty() {
        return connectProperty;
    }

    public String path() {
        return path;
    }

    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    public Duration connectionTimeout() {
        return connectionTimeout;
    }
    /** Directory of the local copies, or null when they are off. */
    public String localCopy() {
        return localCopy;
    }

    public boolean optionalLocation() {
        return optionalLocation;
    }
    /** Credentials and TLS, as for the application's client. */
    public CoordinatorClientSecurity security() {
        return security;
    }

    /** The private keys that decrypt this context's {@code {cipher}} values. */
    public ConfigKeyRing keys() {
        return keys;
    }

    /**
     * This instance as its registration settings describe it, for gray release selectors; the instance id is null
     * when not configured (the loader generates the one the registration will use) and the port 0 when not known.
     */
    public InstanceFacts instance() {
        return instance;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoordinatorConfigDataResource r
                && r.connectString.equals(connectString)
                && r.path.equals(path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connectString, path);
    }

    @Override
    public String toString() {
        return "coordinator " + connectString + path;
    }
}
