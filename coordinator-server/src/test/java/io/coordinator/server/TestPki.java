package io.coordinator.server;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates minted per test: a CA, and leaf certificates it signs (valid for 127.0.0.1 and localhost, for
 * both server and client use), written as PKCS12 or PEM files the way operators would configure them.
 */
public final class TestPki {
    public static final char[] PASSWORD = "changeit".toCharArray();
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestPki() {}

    /** A key and its certificate chain (leaf first; a CA's chain is itself). */
    public record Identity(String cn, KeyPair keys, X509Certificate cert, X509Certificate issuer) {
        public Certificate[] chain() {
            return issuer == null ? new Certificate[] {cert} : new Certificate[] {cert, issuer};
        }
    }

    public static Identity ca(String cn) {
        KeyPair keys = keyPair();
        X500Name name = new X500Name("CN=" + cn + ",O=Coordinator tests");
        try {
            X509v3CertificateBuilder b = builder(name, name, keys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new Identity(cn, keys, sign(b, keys), null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A leaf certificate signed by {@code ca}, for 127.0.0.1/localhost, usable as TLS server and client. */
    public static Identity issue(Identity ca, String cn) {
        return issue(ca, cn, true);
    }

    /** As {@link #issue} but naming no host or address, so host name verification must fail. */
    public static Identity issueWithoutAddresses(Identity ca, String cn) {
        return issue(ca, cn, false);
    }

    private static Identity issue(Identity ca, String cn, boolean withAddresses) {
        KeyPair keys = keyPair();
        try {
            X509v3CertificateBuilder b = builder(
                            X500Name.getInstance(
                                    ca.cert().getSubjectX500Principal().getEncoded()),
                            new X500Name("CN=" + cn + ",O=Coordinator tests"),
                            keys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(
                            Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                    }));
            if (withAddresses) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")
                }));
            }
            return new Identity(cn, keys, sign(b, ca.keys()), ca.cert());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSSE key managers for {@code id} (no files). */
    public static javax.net.ssl.KeyManagerFactory keyManagers(Identity id) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", id.keys().getPrivate(), PASSWORD, id.chain());
            var kmf =
                    javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            return kmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSSE trust managers trusting the given CAs (no files). */
    public static javax.net.ssl.TrustManagerFactory trustManagers(Identity... cas) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < cas.length; i++) {
                ks.setCertificateEntry("ca" + i, cas[i].cert());
            }
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCS12 key store holding {@code id}'s key and chain under alias "key". */
    public static Path keyStore(Path file, Identity id) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", id.keys().getPrivate(), PASSWORD, id.chain());
            return store(file, ks);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCS12 trust store holding the given CA certificates. */
    public static Path trustStore(Path file, Identity... cas) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < cas.length; i++) {
                ks.setCertificateEntry("ca" + i, cas[i].cert());
            }
            return store(file, ks);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code id}'s certificate chain as PEM. Written to a temporary file and moved, so a watcher sees it whole. */
    public static Path pemCertificate(Path file, Identity id) throws IOException {
        return writeAtomically(file, pem(id.chain()));
    }

    /** {@code id}'s private key as unencrypted PKCS#8 PEM. */
    public static Path pemKey(Path file, Identity id) throws IOException {
        return writeAtomically(file, pem(new Object[] {id.keys().getPrivate()}));
    }

    private static String pem(Object[] objects) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                w.writeObject(
                        o instanceof java.security.PrivateKey k
                                ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null)
                                : o);
            }
        }
        return out.toString();
    }

    private static Path writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path store(Path file, KeyStore ks) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, PASSWORD);
        }
        return file;
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(1, ChronoUnit.DAYS)),
                Date.from(now.plus(30, ChronoUnit.DAYS)),
                subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The official client's own TLS settings (as zkCli takes them with -D), on a ZKClientConfig so nothing leaks
     * into system properties. {@code keyStore} may be null: then the client presents no certificate.
     */
    public static org.apache.zookeeper.client.ZKClientConfig zkClientConfig(Path trustStore, Path keyStore) {
        var c = new org.apache.zookeeper.client.ZKClientConfig();
        c.setProperty(org.apache.zookeeper.client.ZKClientConfig.SECURE_CLIENT, "true");
        c.setProperty(
                org.apache.zookeeper.client.ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET,
                "org.apache.zookeeper.ClientCnxnSocketNetty");
        c.setProperty("zookeeper.ssl.trustStore.location", trustStore.toString());
        c.setProperty("zookeeper.ssl.trustStore.password", new String(PASSWORD));
        c.setProperty("zookeeper.ssl.trustStore.type", "PKCS12");
        if (keyStore != null) {
            c.setProperty("zookeeper.ssl.keyStore.location", keyStore.toString());
            c.setProperty("zookeeper.ssl.keyStore.password", new String(PASSWORD));
            c.setProperty("zookeeper.ssl.keyStore.type", "PKCS12");
        }
        return c;
    }

    /** Spring Boot properties defining a JKS-style (here PKCS12) SSL bundle; {@code trustStore} may be null. */
    public static java.util.List<String> jksBundle(String name, Path keyStore, Path trustStore) {
        String p = "--spring.ssl.bundle.jks." + name + ".";
        var args = new java.util.ArrayList<String>();
        if (keyStore != null) {
            args.add(p + "keystore.location=file:" + keyStore);
            args.add(p + "keystore.password=" + new String(PASSWORD));
            args.add(p + "keystore.type=PKCS12");
        }
        if (trustStore != null) {
            args.add(p + "truststore.location=file:" + trustStore);
            args.add(p + "truststore.password=" + new String(PASSWORD));
            args.add(p + "truststore.type=PKCS12");
        }
        return args;
    }
}
