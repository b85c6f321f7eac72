package io.coordinator.server.app;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.SystemEnvironmentOrigin;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * One rule for {@code coordinator.*} settings from every source, environment variables included (Spring's own
 * binding skips them): a setting the server does not know stops startup, naming it and where it came from. A
 * silent skip would change behaviour unnoticed (it once turned off the early client port). Ignored with a
 * WARN instead: the variables Kubernetes injects for a Service named like the server
 * ({@code COORDINATOR_SERVICE_HOST}, {@code COORDINATOR_PORT_2181_TCP}, ...), and JVM system properties, which
 * also carry JVM-level switches and test-harness flags under the same prefix.
 */
final class UnknownSettings {
    private static final Logger log = LoggerFactory.getLogger(UnknownSettings.class);
    /** Docker links / Kubernetes service links: NAME_SERVICE_HOST, NAME_SERVICE_PORT[_P], NAME_PORT[_N_TCP[_X]]. */
    private static final Pattern SERVICE_LINK = Pattern.compile(
            "[A-Z0-9_]+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)");

    private UnknownSettings() {}

    /**
     * Throws naming every unknown setting; other binding errors are left to the context, which names them.
     * Returns the properties when they bound with nothing unknown (so the caller need not bind them again).
     */
    static Optional<CoordinatorProperties> check(Environment environment) {
        Set<String> boundAsVariables = new HashSet<>();
        BindHandler recordBound = new AbstractBindHandler() {
            @Override
            public Object onSuccess(
                    ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
                boundAsVariables.add(variableName(name));
                return result;
            }
        };
        try {
            return Optional.of(Binder.get(environment)
                    .bindOrCreate(
                            "coordinator",
                            Bindable.of(CoordinatorProperties.class),
                            new NoUnboundElementsBindHandler(recordBound)));
        } catch (BindException e) {
            if (!(e.getCause() instanceof UnboundConfigurationPropertiesException unbound)) {
                return Optional.empty();
            }
            List<String> refused = new ArrayList<>();
            for (ConfigurationProperty p : unbound.getUnboundProperties()) {
                String variable = environmentVariable(p.getOrigin());
                if (variable != null && boundAsVariables.contains(variable)) {
                    // COORDINATOR_DATA_DIR: Spring binds it to coordinator.data-dir (its underscore form), but the
                    // unbound check reads the variable as coordinator.data.dir, which no setting is
                    continue;
                }
                if (isSystemProperty(p.getOrigin())) {
                    log.warn("Ignoring JVM system property {}: not a Coordinator setting", p.getName());
                } else if (variable != null && SERVICE_LINK.matcher(variable).matches()) {
                    log.warn(
                            "Ignoring environment variable {}: it looks like a Kubernetes service link, not a"
                                    + " Coordinator setting (set enableServiceLinks: false on the pod to drop it)",
                            variable);
                } else {
                    refused.add(p.getName() + " (from " + (p.getOrigin() == null ? "an unknown source" : p.getOrigin())
                            + ")");
                }
            }
            if (!refused.isEmpty()) {
                throw new IllegalStateException("Unknown Coordinator setting" + (refused.size() > 1 ? "s: " : ": ")
                        + String.join(", ", refused) + ". Remove or rename " + (refused.size() > 1 ? "them" : "it")
                        + ": every coordinator.* setting, from"
                        + " any source, must be one the server knows (see the README's configuration table)");
            }
            return Optional.empty();
        }
    }

    /** The environment variable Spring also binds to {@code name}: upper case, '.' and '-' as '_'. */
    private static String variableName(ConfigurationPropertyName name) {
        return name.toString().replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static boolean isSystemProperty(Origin origin) {
        return origin instanceof PropertySourceOrigin source
                && StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(
                        source.getPropertySource().getName());
    }

    /** The environment variable a setting came from, or null when it came from elsewhere. */
    private static String environmentVariable(Origin origin) {
        if (origin instanceof PropertySourceOrigin source) {
            if (source.getOrigin() instanceof SystemEnvironmentOrigin env) {
                return env.getProperty();
            }
            return source.getPropertySource() instanceof SystemEnvironmentPropertySource
                    ? source.getPropertyName()
                    : null;
        }
        return origin instanceof SystemEnvironmentOrigin env ? env.getProperty() : null;
    }
}
