package io.coordinator.server.net;

import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key material and options for one TLS endpoint, as plain JSSE objects (the app layer reads them from a
 * Spring Boot SSL bundle).
 *
 * @param name          where it comes from, for logs (e.g. "SSL bundle 'server'")
 * @param keyManagers   this server's key and certificate chain
 * @param trustManagers the certificates a peer's chain is verified against
 * @param protocols     enabled protocols, empty = the JDK's defaults
 * @param ciphers       enabled cipher suites, empty = the JDK's defaults
 */
public record TlsMaterial(
        String name,
        KeyManagerFactory keyManagers,
        TrustManagerFactory trustManagers,
        List<String> protocols,
        List<String> ciphers) {

    public TlsMaterial {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keyManagers, "keyManagers");
        Objects.requireNonNull(trustManagers, "trustManagers");
        protocols = protocols == null ? List.of() : List.copyOf(protocols);
        ciphers = ciphers == null ? List.of() : List.copyOf(ciphers);
    }
}
