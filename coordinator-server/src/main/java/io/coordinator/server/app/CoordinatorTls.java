package io.coordinator.server.app;

import io.coordinator.server.net.TlsClientAuth;
import io.coordinator.server.net.TlsContext;
import io.coordinator.server.net.TlsMaterial;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * The server's TLS contexts, made from the Spring Boot SSL bundles that {@code coordinator.ssl.*} names.
 * Built when the context starts, so a missing bundle or an unreadable key store stops the server with a
 * message naming the property. A bundle with {@code reload-on-update=true} is followed: when its files
 * change, new connections use the new material, existing ones keep theirs.
 *
 * @param clientPort the secure client port's context, or null without one
 * @param quorum     the peer links' context, or null for plain peer links
 */
public record CoordinatorTls(TlsContext clientPort, TlsContext quorum) {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorTls.class);

    public static final CoordinatorTls NONE = new CoordinatorTls(null, null);

    /** Whether the properties ask for any TLS (a secure client port, or TLS between members). */
    static boolean isWanted(CoordinatorProperties props) {
        String quorum = props.ssl().quorumBundle();
        return props.secureClientPort() > 0 || (quorum != null && !quorum.isBlank());
    }

    static CoordinatorTls from(CoordinatorProperties props, SslBundles bundles) {
        CoordinatorProperties.Ssl ssl = props.ssl();
        TlsContext clientPort = null;
        TlsContext quorum = null;
        if (props.secureClientPort() > 0) {
            TlsClientAuth auth = ssl.clientAuth();
            String property = "coordinator.ssl.client-bundle";
            clientPort = follow(
                    bundles,
                    property,
                    ssl.clientBundle(),
                    b -> material(
                            b,
                            ssl.clientBundle(),
                            auth != TlsClientAuth.NONE,
                            "coordinator.ssl.client-auth=" + auth.name().toLowerCase()
                                    + " verifies client certificates"),
                    m -> TlsContext.forClientPort(m, auth));
        }
        if (ssl.quorumBundle() != null && !ssl.quorumBundle().isBlank()) {
            if (props.isStandalone()) {
                log.warn("coordinator.ssl.quorum-bundle is set but this server is standalone; it has no peer links");
            } else {
                String property = "coordinator.ssl.quorum-bundle";
                quorum = follow(
                        bundles,
                        property,
                        ssl.quorumBundle(),
                        b -> material(b, ssl.quorumBundle(), true, "peers verify each other"),
                        m -> TlsContext.forQuorum(m, ssl.quorumHostnameVerification()));
            }
        }
        return new CoordinatorTls(clientPort, quorum);
    }

    /** Makes the context from the named bundle and reloads it whenever Spring Boot reports the bundle updated. */
    private static TlsContext follow(
            SslBundles bundles,
            String property,
            String name,
            Function<SslBundle, TlsMaterial> toMaterial,
            Function<TlsMaterial, TlsContext> toContext) {
        SslBundle bundle;
        try {
            bundle = bundles.getBundle(name);
        } catch (NoSuchSslBundleException e) {
            throw new IllegalStateException(
                    property + "=" + name + " names no SSL bundle: define spring.ssl.bundle.jks."
                            + name + ".* or spring.ssl.bundle.pem." + name + ".* (defined bundles: "
                            + bundles.getBundleNames()
                            + ")",
                    e);
        }
        TlsContext context;
        try {
            context = toContext.apply(toMaterial.apply(bundle));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + ": " + e.getMessage(), e);
        }
        bundles.addBundleUpdateHandler(name, updated -> {
            try {
                context.reload(toMaterial.apply(updated));
            } catch (RuntimeException e) {
                log.error(
                        "{}: SSL bundle '{}' changed but cannot be used ({}); new connections keep the previous "
                                + "key material",
                        property,
                        name,
                        e.getMessage());
            }
        });
        return context;
    }

    /** The JSSE side of a bundle; failures name the bundle (the caller adds the property). */
    static TlsMaterial material(SslBundle bundle, String name, boolean needsTrustStore, String why) {
        try {
            if (bundle.getStores().getKeyStore() == null) {
                throw new IllegalStateException("SSL bundle '" + name
                        + "' has no key store; the server needs its own key "
                        + "and certificate (spring.ssl.bundle.jks." + name + ".keystore.* or spring.ssl.bundle.pem."
                        + name + ".keystore.*)");
            }
            if (needsTrustStore && bundle.getStores().getTrustStore() == null) {
                throw new IllegalStateException("SSL bundle '" + name + "' has no trust store, but " + why
                        + " against it (spring.ssl.bundle.jks." + name + ".truststore.* or spring.ssl.bundle.pem."
                        + name + ".truststore.*)");
            }
            var managers = bundle.getManagers();
            return new TlsMaterial(
                    "SSL bundle '" + name + "'",
                    managers.getKeyManagerFactory(),
                    managers.getTrustManagerFactory(),
                    list(bundle.getOptions().getEnabledProtocols()),
                    list(bundle.getOptions().getCiphers()));
        } catch (RuntimeException e) {
            String message = rootMessage(e);
            throw new IllegalArgumentException(
                    message.startsWith("SSL bundle") ? message : "SSL bundle '" + name + "': " + message, e);
        }
    }

    private static List<String> list(String[] values) {
        return values == null ? List.of() : Arrays.asList(values);
    }

    private static String rootMessage(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }
}
