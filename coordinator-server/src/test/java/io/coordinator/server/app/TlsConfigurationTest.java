package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.TestPki;
import io.coordinator.server.TestPki.Identity;
import io.coordinator.testsupport.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A server whose TLS settings cannot work refuses to start, and says which property to fix. */
class TlsConfigurationTest {
    @TempDir
    static Path dir;

    static Path keyStore;
    static Path trustStore;

    @BeforeAll
    static void certificates() throws Exception {
        Identity ca = TestPki.ca("ca");
        keyStore = TestPki.keyStore(dir.resolve("server.p12"), TestPki.issue(ca, "server"));
        trustStore = TestPki.trustStore(dir.resolve("trust.p12"), ca);
    }

    private static void start(List<String> extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0", "--server.address=127.0.0.1", "--coordinator.data-dir=" + dir.resolve("data")));
        if (extra.stream().noneMatch(a -> a.startsWith("--coordinator.client-port="))) {
            args.add("--coordinator.client-port=" + LoopbackPorts.next());
        }
        args.addAll(extra);
        new SpringApplicationBuilder(CoordinatorApplication.class)
                .run(args.toArray(new String[0]))
                .close();
    }

    private static List<String> args(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void aSecurePortWithoutABundleNamesTheMissingProperty() {
        assertThatThrownBy(() -> start(List.of("--coordinator.secure-client-port=" + LoopbackPorts.next())))
                .hasStackTraceContaining("coordinator.secure-client-port needs coordinator.ssl.client-bundle");
    }

    @Test
    void aBundleNameThatIsNotDefinedIsNamed() {
        assertThatThrownBy(() -> start(List.of(
                        "--coordinator.secure-client-port=" + LoopbackPorts.next(),
                        "--coordinator.ssl.client-bundle=nope")))
                .hasStackTraceContaining("coordinator.ssl.client-bundle=nope names no SSL bundle");
    }

    /** A key store that is not one, and one that is not there: both named with the bundle that points at them. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unreadable", "missing"})
    void aKeyStoreThatCannotBeLoadedIsNamed(String problem) throws Exception {
        Path file = dir.resolve(problem + ".p12");
        if (problem.equals("unreadable")) {
            Files.writeString(file, "not a key store");
        }
        assertThatThrownBy(() -> start(args(
                        List.of(
                                "--coordinator.secure-client-port=" + LoopbackPorts.next(),
                                "--coordinator.ssl.client-bundle=server"),
                        TestPki.jksBundle("server", file, null))))
                .hasStackTraceContaining(
                        "coordinator.ssl.client-bundle: SSL bundle 'server': Unable to create key store")
                .hasStackTraceContaining(file.toString());
    }

    @Test
    void clientAuthWithoutATrustStoreIsRefused() {
        assertThatThrownBy(() -> start(args(
                        List.of(
                                "--coordinator.secure-client-port=" + LoopbackPorts.next(),
                                "--coordinator.ssl.client-bundle=server",
                                "--coordinator.ssl.client-auth=need"),
                        TestPki.jksBundle("server", keyStore, null))))
                .hasStackTraceContaining("coordinator.ssl.client-bundle: SSL bundle 'server' has no trust store, "
                        + "but coordinator.ssl.client-auth=need verifies client certificates");
    }

    @Test
    void aQuorumBundleWithoutATrustStoreIsRefused() throws Exception {
        String ensemble = "1=127.0.0.1:" + LoopbackPorts.next() + ":" + LoopbackPorts.next() + ",2=127.0.0.1:"
                + LoopbackPorts.next() + ":" + LoopbackPorts.next();
        assertThatThrownBy(() -> start(args(
                        List.of(
                                "--coordinator.server-id=1",
                                "--coordinator.ensemble=" + ensemble,
                                "--coordinator.ssl.quorum-bundle=peer"),
                        TestPki.jksBundle("peer", keyStore, null))))
                .hasStackTraceContaining("coordinator.ssl.quorum-bundle: SSL bundle 'peer' has no trust store");
    }

    @Test
    void aBundleWithoutASecurePortIsRefused() {
        assertThatThrownBy(() -> start(args(
                        List.of("--coordinator.ssl.client-bundle=server"),
                        TestPki.jksBundle("server", keyStore, trustStore))))
                .hasStackTraceContaining(
                        "coordinator.ssl.client-bundle is set but coordinator.secure-client-port is not");
    }

    @Test
    void turningThePlainPortOffNeedsASecurePort() {
        assertThatThrownBy(() -> start(List.of("--coordinator.client-port=-1")))
                .hasStackTraceContaining("coordinator.client-port=-1 turns the plain client port off");
    }
}
