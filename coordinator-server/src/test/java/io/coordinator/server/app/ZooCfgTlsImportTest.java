package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A zoo.cfg's TLS keys (secureClientPort, ssl.*, sslQuorum, ssl.quorum.*) become SSL bundles. */
class ZooCfgTlsImportTest {
    @TempDir
    Path dir;

    private Map<String, String> parse(String... lines) throws IOException {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "dataDir=" + dir.resolve("data") + "\n" + String.join("\n", lines) + "\n");
        Map<String, String> out = new TreeMap<>();
        ZooCfgImport.parse(cfg).forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    @Test
    void theSecureClientPortGetsABundleFromTheKeyAndTrustStores() throws Exception {
        Map<String, String> p = parse(
                "clientPort=2181",
                "secureClientPort=2281",
                "ssl.keyStore.location=/etc/zk/server.p12",
                "ssl.keyStore.password=secret",
                "ssl.trustStore.location=/etc/zk/ca.jks",
                "ssl.trustStore.password=changeit",
                "ssl.clientAuth=want",
                "ssl.enabledProtocols=TLSv1.3");
        String b = "spring.ssl.bundle.jks.zoo-cfg-client.";
        assertThat(p)
                .containsEntry("coordinator.secure-client-port", "2281")
                .containsEntry("coordinator.ssl.client-bundle", "zoo-cfg-client")
                .containsEntry("coordinator.ssl.client-auth", "want")
                .containsEntry(b + "keystore.location", "file:/etc/zk/server.p12")
                .containsEntry(b + "keystore.password", "secret")
                .containsEntry(b + "keystore.type", "PKCS12") // from the file name, as ZooKeeper does
                .containsEntry(b + "truststore.location", "file:/etc/zk/ca.jks")
                .containsEntry(b + "truststore.type", "JKS")
                .containsEntry(b + "options.enabled-protocols", "TLSv1.3");
    }

    @Test
    void clientAuthDefaultsToNeedAsInZooKeeper() throws Exception {
        Map<String, String> p = parse(
                "secureClientPort=2281",
                "ssl.keyStore.location=/k.jks",
                "ssl.keyStore.password=x",
                "ssl.trustStore.location=/t.jks",
                "ssl.trustStore.password=x");
        assertThat(p).containsEntry("coordinator.ssl.client-auth", "need");
    }

    @Test
    void needWithoutATrustStoreIsRefusedWithTheWayOut() {
        assertThatThrownBy(() -> parse("secureClientPort=2281", "ssl.keyStore.location=/k.jks"))
                .hasMessageContaining("ssl.clientAuth")
                .hasMessageContaining("ssl.trustStore.location")
                .hasMessageContaining("ssl.clientAuth=none");
    }

    @Test
    void aSecureClientPortWithoutAKeyStoreIsRefused() {
        assertThatThrownBy(() -> parse("secureClientPort=2281", "ssl.clientAuth=none"))
                .hasMessageContaining("secureClientPort needs ssl.keyStore.location");
    }

    @Test
    void pemStoresAreRefusedNamingTheLineAndTheAlternative() {
        assertThatThrownBy(() -> parse(
                        "secureClientPort=2281",
                        "ssl.clientAuth=none",
                        "ssl.keyStore.location=/k.pem",
                        "ssl.keyStore.type=PEM"))
                .hasMessageContaining("zoo.cfg:5")
                .hasMessageContaining("PEM")
                .hasMessageContaining("spring.ssl.bundle.pem");
        assertThatThrownBy(() -> parse("secureClientPort=2281", "ssl.clientAuth=none", "ssl.keyStore.location=/k.pem"))
                .hasMessageContaining("only JKS and PKCS12");
    }

    @Test
    void sslQuorumGivesTheMembersAMutualTlsBundle() throws Exception {
        Map<String, String> p = parse(
                "sslQuorum=true",
                "ssl.quorum.keyStore.location=/q.p12",
                "ssl.quorum.keyStore.password=x",
                "ssl.quorum.trustStore.location=/ca.p12",
                "ssl.quorum.trustStore.password=x",
                "ssl.quorum.hostnameVerification=false");
        assertThat(p)
                .containsEntry("coordinator.ssl.quorum-bundle", "zoo-cfg-quorum")
                .containsEntry("coordinator.ssl.quorum-hostname-verification", "false")
                .containsEntry("spring.ssl.bundle.jks.zoo-cfg-quorum.keystore.location", "file:/q.p12")
                .containsEntry("spring.ssl.bundle.jks.zoo-cfg-quorum.truststore.type", "PKCS12")
                .doesNotContainKey("coordinator.ssl.client-bundle");
    }

    @Test
    void quorumStoresWithoutSslQuorumAndClientStoresWithoutASecurePortAreNotUsed() throws Exception {
        Map<String, String> p = parse("ssl.quorum.keyStore.location=/q.p12", "ssl.keyStore.location=/k.p12");
        assertThat(p.keySet()).noneMatch(k -> k.startsWith("spring.ssl") || k.startsWith("coordinator.ssl"));
    }

    @Test
    void sslQuorumWithoutStoresIsRefused() {
        assertThatThrownBy(() -> parse("sslQuorum=true")).hasMessageContaining("ssl.quorum.keyStore.location");
    }
}
