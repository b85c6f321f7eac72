package io.coordinator.spring.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zookeeper.client.ZKClientConfig;
import org.springframework.boot.autoconfigure.ssl.JksSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PemSslBundleProperties;
import org.springframework.util.StringUtils;

/**
 * Maps a Spring Boot SSL bundle onto the ZooKeeper client's TLS settings ({@code zookeeper.ssl.keyStore.*},
 * {@code zookeeper.ssl.trustStore.*}). ZooKeeper's client reads key material from files only, so every location
 * must be a file ({@code file:} or a plain path); anything else fails with a message naming the property.
 * <ul>
 * <li>JKS/PKCS12 ({@code spring.ssl.bundle.jks.<name>}): the stores' files, passwords and types as they are.</li>
 * <li>PEM ({@code spring.ssl.bundle.pem.<name>}): the trust certificates' file as a PEM trust store; the
 * certificate and private key as a PEM key store, which ZooKeeper reads from one file: when they are two files,
 * they are joined once per JVM into an owner-only temporary file (deleted on exit), so a renewed certificate
 * is picked up on the next start.</li>
 * </ul>
 */
final class SslBundleFiles {
    private static final String KEY_STORE = "zookeeper.ssl.keyStore.";
    private static final String TRUST_STORE = "zookeeper.ssl.trustStore.";
    private static final Map<List<Path>, Path> JOINED = new ConcurrentHashMap<>();

    private SslBundleFiles() {}

    static ZKClientConfig jks(JksSslBundleProperties bundle, String prefix) {
        ZKClientConfig c = secure();
        store(c, KEY_STORE, bundle.getKeystore(), prefix + ".keystore");
        store(c, TRUST_STORE, bundle.getTruststore(), prefix + ".truststore");
        return c;
    }

    static ZKClientConfig pem(PemSslBundleProperties bundle, String prefix) {
        ZKClientConfig c = secure();
        PemSslBundleProperties.Store key = bundle.getKeystore();
        if (StringUtils.hasText(key.getCertificate()) || StringUtils.hasText(key.getPrivateKey())) {
            if (!StringUtils.hasText(key.getCertificate()) || !StringUtils.hasText(key.getPrivateKey())) {
                throw new IllegalArgumentException(prefix + ".keystore.certificate and " + prefix
                        + ".keystore.private-key go together: the client certificate and its private key");
            }
            Path certificate = file(key.getCertificate(), prefix + ".keystore.certificate");
            Path privateKey = file(key.getPrivateKey(), prefix + ".keystore.private-key");
            Path both = certificate.equals(privateKey) ? certificate : joined(privateKey, certificate);
            c.setProperty(KEY_STORE + "location", both.toString());
            c.setProperty(KEY_STORE + "type", "PEM");
            if (StringUtils.hasText(key.getPrivateKeyPassword())) {
                c.setProperty(KEY_STORE + "password", key.getPrivateKeyPassword());
            }
        }
        PemSslBundleProperties.Store trust = bundle.getTruststore();
        if (StringUtils.hasText(trust.getCertificate())) {
            c.setProperty(
                    TRUST_STORE + "location",
                    file(trust.getCertificate(), prefix + ".truststore.certificate")
                            .toString());
            c.setProperty(TRUST_STORE + "type", "PEM");
        }
        return c;
    }

    private static ZKClientConfig secure() {
        ZKClientConfig c = new ZKClientConfig();
        c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        return c;
    }

    private static void store(ZKClientConfig c, String zk, JksSslBundleProperties.Store store, String property) {
        if (store == null || !StringUtils.hasText(store.getLocation())) {
            return;
        }
        c.setProperty(
                zk + "location",
                file(store.getLocation(), property + ".location").toString());
        if (store.getPassword() != null) {
            c.setProperty(zk + "password", store.getPassword());
        }
        if (StringUtils.hasText(store.getType())) {
            c.setProperty(zk + "type", store.getType());
        }
    }

    /** The readable file a location names; anything else fails naming {@code property}. */
    static Path file(String location, String property) {
        if (location.contains("-----BEGIN")) {
            throw new IllegalArgumentException(property + " holds PEM text: ZooKeeper's client reads key material from"
                    + " files; put it in a file and use a file: location");
        }
        if (location.contains(":")
                && !location.startsWith("file:")
                && !Path.of(location).isAbsolute()) {
            throw new IllegalArgumentException(property + "=" + location + ": ZooKeeper's client reads key "
                    + "material from files; use a file: location");
        }
        Path file = Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(property + "=" + location + ": no readable file " + file);
        }
        return file.toAbsolutePath();
    }

    /** The private key and the certificate chain in one owner-only file, as ZooKeeper's PEM key store wants. */
    private static Path joined(Path privateKey, Path certificate) {
        return JOINED.computeIfAbsent(List.of(privateKey, certificate), k -> {
            try {
                boolean posix =
                        FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
                Path dir = posix
                        ? Files.createTempDirectory(
                                "coordinator-tls",
                                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                        : Files.createTempDirectory("coordinator-tls");
                Path out = dir.resolve("client-key-and-certificate.pem");
                Files.write(
                        out,
                        (Files.readString(privateKey).strip() + "\n"
                                        + Files.readString(certificate).strip() + "\n")
                                .getBytes(StandardCharsets.US_ASCII));
                out.toFile().deleteOnExit();
                dir.toFile().deleteOnExit(); // registered after the file: deleted after it
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "Could not join " + privateKey + " and " + certificate
                                + " into one PEM file for ZooKeeper's client",
                        e);
            }
        });
    }
}
