package io.coordinator.spring.config;

import io.coordinator.config.format.ContextName;
import io.coordinator.config.format.gray.InstanceFacts;
import io.coordinator.spring.autoconfigure.CoordinatorClientProperties;
import io.coordinator.spring.autoconfigure.CoordinatorClientSecurity;
import io.coordinator.spring.autoconfigure.InstanceFactsOf;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.utils.ZKPaths;
import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.config.Profiles;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.util.StringUtils;

/**
 * {@code spring.config.import=coordinator:} (or {@code coordinator:host:port,host:port}): the contexts
 * {@code /config/application}, {@code /config/<spring.application.name>} and, per active profile,
 * {@code /config/<app>,<profile>}; each later one wins over the earlier ones.
 */
public class CoordinatorConfigDataLocationResolver
        implements ConfigDataLocationResolver<CoordinatorConfigDataResource> {
    public static final String PREFIX = "coordinator:";

    @Override
    public boolean isResolvable(ConfigDataLocationResolverContext context, ConfigDataLocation location) {
        return location.hasPrefix(PREFIX);
    }

    @Override
    public List<CoordinatorConfigDataResource> resolve(
            ConfigDataLocationResolverContext context, ConfigDataLocation location) {
        Settings s = Settings.of(context.getBinder(), location);
        List<CoordinatorConfigDataResource> out = new ArrayList<>();
        out.add(s.resource(s.defaultContext));
        if (!s.app.equals(s.defaultContext)) {
            out.add(s.resource(s.app));
        }
        return out;
    }

    @Override
    public List<CoordinatorConfigDataResource> resolveProfileSpecific(
            ConfigDataLocationResolverContext context, ConfigDataLocation location, Profiles profiles) {
        Settings s = Settings.of(context.getBinder(), location);
        List<CoordinatorConfigDataResource> out = new ArrayList<>();
        for (String profile : profiles.getAccepted()) {
            out.add(s.resource(ContextName.of(s.app, profile)));
        }
        return out;
    }

    /** The local copies' directory unless coordinator.client.config.local-copy says otherwise: per user and app. */
    static String defaultLocalCopy(String app) {
        return Paths.get(System.getProperty("user.home"), ".coordinator", "config-copies", app)
                .toString();
    }

    /** The import's settings for each context, and the names of the contexts it imports. */
    private record Settings(ConfigImport imported, String root, String defaultContext, String app) {

        static Settings of(Binder binder, ConfigDataLocation location) {
            String explicit = location.getNonPrefixedValue(PREFIX);
            String connectProperty =
                    StringUtils.hasText(explicit) ? "spring.config.import" : "coordinator.client.connect-string";
            String connect = StringUtils.hasText(explicit)
                    ? explicit
                    : binder.bind("coordinator.client.connect-string", String.class)
                            .orElse("127.0.0.1:2181");
            String root =
                    binder.bind("coordinator.client.config.root", String.class).orElse("/config");
            String dflt = binder.bind("coordinator.client.config.default-context", String.class)
                    .orElse("application");
            String app = binder.bind("spring.application.name", String.class).orElse("application");
            Duration session = binder.bind("coordinator.client.session-timeout", Duration.class)
                    .orElse(Duration.ofSeconds(10));
            Duration conn = binder.bind("coordinator.client.connection-timeout", Duration.class)
                    .orElse(Duration.ofSeconds(10));
            boolean copies = binder.bind("coordinator.client.config.local-copy-enabled", Boolean.class)
                    .orElse(true);
            String localCopy = !copies
                    ? null
                    : binder.bind("coordinator.client.config.local-copy", String.class)
                            .orElseGet(() -> defaultLocalCopy(app));
            InstanceFacts instance = startupFacts(binder, app);
            ConfigImport imported = new ConfigImport(
                    connect,
                    connectProperty,
                    session,
                    conn,
                    localCopy,
                    location.isOptional(),
                    CoordinatorClientSecurity.from(binder),
                    ConfigKeyRing.from(binder),
                    instance);
            return new Settings(imported, root, dflt, app);
        }

        /**
         * This instance for gray release selectors at startup, from the registration settings; the address the
         * registration will publish is known here only when configured (the watcher applies address selectors
         * again once the instance is registered). Null when the settings cannot be read yet (a placeholder that
         * a configuration context resolves): no release selects the instance until it runs.
         */
        static InstanceFacts startupFacts(Binder binder, String app) {
            try {
                CoordinatorClientProperties.Registration registration = binder.bindOrCreate(
                        "coordinator.client.registration", CoordinatorClientProperties.Registration.class);
                String service = StringUtils.hasText(registration.serviceName()) ? registration.serviceName() : app;
                int port = registration.port() != null
                        ? registration.port()
                        : binder.bind("server.port", Integer.class).orElse(0);
                return InstanceFactsOf.of(
                        service,
                        StringUtils.hasText(registration.instanceId()) ? registration.instanceId() : null,
                        registration,
                        StringUtils.hasText(registration.host()) ? registration.host() : null,
                        Math.max(port, 0));
            } catch (RuntimeException e) {
                return null;
            }
        }

        CoordinatorConfigDataResource resource(String name) {
            return new CoordinatorConfigDataResource(imported, ZKPaths.makePath(root, name));
        }
    }
}
