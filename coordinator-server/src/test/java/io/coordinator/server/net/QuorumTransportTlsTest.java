package io.coordinator.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.TestPki;
import io.coordinator.server.TestPki.Identity;
import io.coordinator.server.net.LoopbackQuorum.Received;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Peer links with mutual TLS over real loopback sockets: who can talk, who cannot, and what the log says. */
@ExtendWith(OutputCaptureExtension.class)
class QuorumTransportTlsTest {
    static Identity ca;
    static Identity strangerCa;

    private final LoopbackQuorum quorum = new LoopbackQuorum();

    @BeforeAll
    static void certificates() {
        ca = TestPki.ca("ensemble-ca");
        strangerCa = TestPki.ca("stranger-ca");
    }

    @AfterEach
    void stopAll() {
        quorum.close();
    }

    /** Material with {@code key}'s certificate, trusting {@code trusted}. */
    private static TlsMaterial material(Identity key, Identity... trusted) {
        return new TlsMaterial(
                "test " + key.cn(), TestPki.keyManagers(key), TestPki.trustManagers(trusted), List.of(), List.of());
    }

    /** Polls observable state (a log line, a connection flag) until it holds. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20); // polling, not synchronising
        }
    }

    @Test
    void peersWithTheEnsemblesCertificatesTalkBothWays() throws Exception {
        quorum.plan(1, 2);
        quorum.start(1, TlsContext.forQuorum(material(TestPki.issue(ca, "peer-1"), ca), true));
        quorum.start(2, TlsContext.forQuorum(material(TestPki.issue(ca, "peer-2"), ca), true));
        assertThat(quorum.sendUntilDelivered(1, 2, "hello")).isEqualTo(new Received(1, "hello"));
        assertThat(quorum.sendUntilDelivered(2, 1, "back")).isEqualTo(new Received(2, "back"));
    }

    @Test
    void aPeerWithAnUntrustedCertificateGetsNoMessageThrough(CapturedOutput output) throws Exception {
        quorum.plan(1, 2, 3);
        quorum.start(1, TlsContext.forQuorum(material(TestPki.issue(ca, "peer-1"), ca), true));
        quorum.start(2, TlsContext.forQuorum(material(TestPki.issue(ca, "peer-2"), ca), true));
        // 3 trusts the ensemble's CA but presents a certificate from another one.
        QuorumTransport intruder =
                quorum.start(3, TlsContext.forQuorum(material(TestPki.issue(strangerCa, "peer-3"), ca), true));
        assertThat(quorum.sendUntilDelivered(1, 2, "members")).isEqualTo(new Received(1, "members"));

        // With TLS 1.3 the dialler finishes its side of the handshake before the listener has checked its
        // certificate, so it is the listener that reports the refusal; a dial to 3 fails on the dialler's side.
        await(
                "1 to refuse 3's certificate",
                () -> output.getOut().contains("quorum transport of server 1: TLS handshake with"));
        await("1's dial to 3 to fail", () -> output.getOut().contains("TLS handshake from server 1 to server 3"));
        intruder.send(1, "let me in".getBytes());
        assertThat(quorum.transports.get(1).isConnected(3)).isFalse();
        assertThat(quorum.inboxes.get(1)).isEmpty();
    }

    @Test
    void aPlainPeerCannotJoinATlsEnsembleAndBothSidesSayWhy(CapturedOutput output) throws Exception {
        quorum.plan(1, 2);
        quorum.start(1, TlsContext.forQuorum(material(TestPki.issue(ca, "peer-1"), ca), true));
        QuorumTransport plain = quorum.start(2, null);

        await(
                "the TLS side to report plain text",
                () -> output.getOut().contains("quorum transport of server 1: TLS handshake with")
                        && output.getOut().contains("a server without coordinator.ssl.quorum-bundle"));
        await(
                "the plain side to report TLS",
                () -> output.getOut().contains("speaks TLS, but this server has no coordinator.ssl.quorum-bundle"));
        plain.send(1, "plain".getBytes());
        quorum.transports.get(1).send(2, "tls".getBytes());
        assertThat(quorum.transports.get(1).isConnected(2)).isFalse();
        assertThat(quorum.inboxes.get(1)).isEmpty();
        assertThat(quorum.inboxes.get(2)).isEmpty();
    }

    @Test
    void hostnameVerificationRefusesACertificateForAnotherHost(CapturedOutput output) throws Exception {
        quorum.plan(1, 2);
        // 1 dials 2 at 127.0.0.1, but 2 presents a (trusted) certificate that names no host or address.
        Identity noSan = TestPki.issueWithoutAddresses(ca, "peer-2");
        quorum.start(1, TlsContext.forQuorum(material(TestPki.issue(ca, "peer-1"), ca), true));
        quorum.start(2, TlsContext.forQuorum(material(noSan, ca), true));
        await(
                "1's dial to 2 to fail hostname verification",
                () -> output.getOut().contains("TLS handshake from server 1 to server 2"));
        assertThat(quorum.transports.get(1).isConnected(2)).isFalse();
        assertThat(quorum.sendUntilDelivered(2, 1, "1 has an address in its certificate"))
                .extracting(Received::from)
                .isEqualTo(2);
    }
}
