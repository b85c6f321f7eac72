package io.coordinator.spring.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.zookeeper.client.ZKClientConfig;
import org.springframework.boot.autoconfigure.ssl.JksSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PemSslBundleProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.util.StringUtils;

/**
 * Credentials and TLS for every Curator client the starter builds (the startup one that loads configuration
 * and the application's), read from the same properties with a {@link Binder}, since the startup client exists
 * before any bean:
 * <ul>
 * <li>{@code coordinator.client.auth.username} / {@code .password}: ZooKeeper digest authentication;</li>
 * <li>{@code coordinator.client.ssl.bundle}: the name of a Spring Boot SSL bundle, JKS/PKCS12
 * ({@code spring.ssl.bundle.jks.<name>.*}) or PEM ({@code spring.ssl.bundle.pem.<name>.*}), whose trust material
 * verifies the server and whose key material, if any, is the client certificate. ZooKeeper's client reads key
 * material from files, so the bundle's locations must be files ({@link SslBundleFiles}).</li>
 * </ul>
 */
public final class CoordinatorClientSecurity {
    static final String USERNAME = "coordinator.client.auth.username";
    static final String PASSWORD = "coordinator.client.auth.password";
    static final String BUNDLE = "coordinator.client.ssl.bundle";

    private final String digest;
    private final ZKClientConfig tls;

    private CoordinatorClientSecurity(String digest, ZKClientConfig tls) {
        this.digest = digest;
        this.tls = tls;
    }

    /** Reads and checks the settings; a mistake fails with a message naming the property. */
    public static CoordinatorClientSecurity from(Binder binder) {
        String user = binder.bind(USERNAME, String.class).orElse(null);
        String password = binder.bind(PASSWORD, String.class).orElse(null);
        if (StringUtils.hasText(user) != StringUtils.hasText(password)) {
            throw new IllegalArgumentException(USERNAME + " and " + PASSWORD + " go together: set both or neither");
        }
        if (StringUtils.hasText(user) && user.contains(":")) {
            throw new IllegalArgumentException(
                    USERNAME + " must not contain ':' (digest credentials are user:password)");
        }
        String bundle = binder.bind(BUNDLE, String.class).orElse(null);
        return new CoordinatorClientSecurity(
                StringUtils.hasText(user) ? user + ":" + password : null,
                StringUtils.hasText(bundle) ? tls(binder, bundle) : null);
    }

    /** Whether the client authenticates with a digest identity (what owner-only ACLs refer to). */
    public boolean hasCredentials() {
        return digest != null;
    }

    /** Applies credentials and TLS to a client under construction. */
    public CuratorFrameworkFactory.Builder apply(CuratorFrameworkFactory.Builder builder) {
        if (digest != null) {
            builder.authorization(List.of(new AuthInfo("digest", digest.getBytes(StandardCharsets.UTF_8))));
        }
        if (tls != null) {
            builder.zkClientConfig(copy(tls));
        }
        return builder;
    }

    private static ZKClientConfig copy(ZKClientConfig source) {
        ZKClientConfig c = new ZKClientConfig();
        for (String key : List.of(
                ZKClientConfig.SECURE_CLIENT,
                ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET,
                "zookeeper.ssl.keyStore.location",
                "zookeeper.ssl.keyStore.password",
                "zookeeper.ssl.keyStore.type",
                "zookeeper.ssl.trustStore.location",
                "zookeeper.ssl.trustStore.password",
                "zookeeper.ssl.trustStore.type")) {
            String v = source.getProperty(key);
            if (v != null) {
                c.setProperty(key, v);
            }
        }
        return c;
    }

    private static ZKClientConfig tls(Binder binder, String name) {
        String jks = "spring.ssl.bundle.jks." + name;
        String pem = "spring.ssl.bundle.pem." + name;
        JksSslBundleProperties jksBundle =
                binder.bind(jks, JksSslBundleProperties.class).orElse(null);
        if (jksBundle != null) {
            return SslBundleFiles.jks(jksBundle, jks);
        }
        PemSslBundleProperties pemBundle =
                binder.bind(pem, PemSslBundleProperties.class).orElse(null);
        if (pemBundle != null) {
            return SslBundleFiles.pem(pemBundle, pem);
        }
        throw new IllegalArgumentException(
                BUNDLE + "=" + name + ": no SSL bundle " + jks + ".* or " + pem + ".* is configured");
    }
}
