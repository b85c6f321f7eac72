package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.coordinator.spring.autoconfigure.CoordinatorClientSecurity;
import io.coordinator.spring.registration.CoordinatorRegistration;
import io.coordinator.spring.test.ConfigClientApp;
import io.coordinator.spring.test.CoordinatorServerProcess;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * PEM SSL bundles ({@code spring.ssl.bundle.pem.<name>}) for the starter's clients, against a server that only
 * speaks TLS and requires a client certificate it trusts: the certificate and private key (separate files, as
 * cert-manager and most CAs hand them out) reach ZooKeeper's client as its PEM key store, the trusted
 * certificate as its PEM trust store.
 */
@Timeout(180)
class PemSslBundleTest {
    static final String PASSWORD = SecureConnectionTest.PASSWORD;

    @TempDir
    static Path dir;

    static CoordinatorServerProcess server;
    static CuratorFramework admin;

    public static class Greeter {
        @Value("${greeting:none}")
        volatile String greeting;
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        Greeter greeter() {
            return new Greeter();
        }
    }

    /** A self-signed EC key pair for 127.0.0.1 as PEM files: {@code <name>.crt} and {@code <name>.key} (PKCS#8). */
    static void keyPair(String name) throws Exception {
        Path p12 = dir.resolve(name + ".p12");
        SecureConnectionTest.generateKeyPair(p12, name, name);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        Files.writeString(
                dir.resolve(name + ".crt"),
                pem("CERTIFICATE", ks.getCertificate(name).getEncoded()));
        Files.writeString(
                dir.resolve(name + ".key"),
                pem("PRIVATE KEY", ks.getKey(name, PASSWORD.toCharArray()).getEncoded()));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @BeforeAll
    static void start() throws Exception {
        keyPair("server");
        keyPair("app");
        keyPair("admin");
        // the server: PEM bundle too, trusting the app's and the admin's certificates, and requiring one
        Files.writeString(
                dir.resolve("clients.crt"),
                Files.readString(dir.resolve("app.crt")) + Files.readString(dir.resolve("admin.crt")));
        server = CoordinatorServerProcess.startTlsOnly(List.of(
                "--coordinator.ssl.client-bundle=server",
                "--coordinator.ssl.client-auth=NEED",
                "--spring.ssl.bundle.pem.server.keystore.certificate=file:" + dir.resolve("server.crt"),
                "--spring.ssl.bundle.pem.server.keystore.private-key=file:" + dir.resolve("server.key"),
                "--spring.ssl.bundle.pem.server.truststore.certificate=file:" + dir.resolve("clients.crt")));
        // ZooKeeper's own PEM key store: key and certificate in one file
        Path adminPem = dir.resolve("admin.pem");
        Files.writeString(
                adminPem, Files.readString(dir.resolve("admin.key")) + Files.readString(dir.resolve("admin.crt")));
        ZKClientConfig tls = new ZKClientConfig();
        tls.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        tls.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        tls.setProperty("zookeeper.ssl.keyStore.location", adminPem.toString());
        tls.setProperty("zookeeper.ssl.keyStore.type", "PEM");
        tls.setProperty(
                "zookeeper.ssl.trustStore.location", dir.resolve("server.crt").toString());
        tls.setProperty("zookeeper.ssl.trustStore.type", "PEM");
        admin = CuratorFrameworkFactory.builder()
                .connectString(server.connectString())
                .zkClientConfig(tls)
                .retryPolicy(new RetryOneTime(100))
                .connectionTimeoutMs(5000)
                .build();
        admin.start();
        assertThat(admin.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
        admin.create().creatingParentsIfNeeded().forPath("/config/pem-app/greeting", "hello over PEM".getBytes());
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ConfigurableApplicationContext run(String... extra) {
        List<String> args = SecureConnectionTest.tlsAppArgs("3s");
        args.addAll(List.of(
                "--coordinator.client.discovery.local-copy-enabled=false",
                "--spring.ssl.bundle.pem.coordinator.truststore.certificate=file:" + dir.resolve("server.crt")));
        args.addAll(List.of(extra));
        return ConfigClientApp.run(App.class, "pem-app", server.connectString(), args.toArray(new String[0]));
    }

    @Test
    void loadsConfigAndRegistersWithAPemClientCertificate() throws Exception {
        try (ConfigurableApplicationContext ctx = run(
                "--spring.ssl.bundle.pem.coordinator.keystore.certificate=file:" + dir.resolve("app.crt"),
                "--spring.ssl.bundle.pem.coordinator.keystore.private-key=file:" + dir.resolve("app.key"))) {
            assertThat(ctx.getBean(Greeter.class).greeting).isEqualTo("hello over PEM"); // the startup client
            String node = ctx.getBean(CoordinatorRegistration.class).path(); // the application's client
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> admin.checkExists().forPath(node) != null);
        }
    }

    @Test
    void withoutTheClientCertificateTheServerRefusesTheConnection() {
        assertThatThrownBy(() -> run()).hasStackTraceContaining("Coordinator configuration unavailable");
    }

    @Test
    void whatZooKeepersClientCannotReadIsNamed() {
        assertThatThrownBy(() -> bundleP("spring.ssl.bundle.pem.p.truststore.certificate", "classpath:ca.crt"))
                .hasMessage("spring.ssl.bundle.pem.p.truststore.certificate=classpath:ca.crt: ZooKeeper's client reads"
                        + " key material from files; use a file: location");
        assertThatThrownBy(() -> bundleP(
                        "spring.ssl.bundle.pem.p.truststore.certificate",
                        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"))
                .hasMessage(
                        "spring.ssl.bundle.pem.p.truststore.certificate holds PEM text: ZooKeeper's client reads key"
                                + " material from files; put it in a file and use a file: location");
        assertThatThrownBy(
                        () -> bundleP("spring.ssl.bundle.pem.p.keystore.certificate", "file:" + dir.resolve("app.crt")))
                .hasMessage(
                        "spring.ssl.bundle.pem.p.keystore.certificate and spring.ssl.bundle.pem.p.keystore.private-key"
                                + " go together: the client certificate and its private key");
        assertThatThrownBy(() ->
                        bundleP("spring.ssl.bundle.pem.p.truststore.certificate", "file:" + dir.resolve("missing.crt")))
                .hasMessage("spring.ssl.bundle.pem.p.truststore.certificate=file:" + dir.resolve("missing.crt")
                        + ": no readable file " + dir.resolve("missing.crt"));
    }

    /** The client security of bundle "p" with one more property: {@code key} = {@code value}. */
    private static CoordinatorClientSecurity bundleP(String key, String value) {
        return security(Map.of("coordinator.client.ssl.bundle", "p", key, value));
    }

    private static CoordinatorClientSecurity security(Map<String, String> p) {
        return CoordinatorClientSecurity.from(new Binder(new MapConfigurationPropertySource(p)));
    }
}
