package io.coordinator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {
    private ServerSocket target;

    /** An echo server on a loopback port. */
    @BeforeEach
    void echo() throws IOException {
        target = new ServerSocket();
        target.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), LoopbackPorts.next()));
        Thread t = new Thread(() -> {
            while (!target.isClosed()) {
                try {
                    Socket c = target.accept();
                    Thread e = new Thread(() -> {
                        try (c) {
                            c.getInputStream().transferTo(c.getOutputStream());
                        } catch (IOException ignored) {
                            // closed
                        }
                    });
                    e.setDaemon(true);
                    e.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void closeEcho() throws IOException {
        target.close();
    }

    private static Socket connect(FaultProxy proxy) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(5000);
        return s;
    }

    private static int roundTrip(Socket s, int b) throws IOException {
        s.getOutputStream().write(b);
        s.getOutputStream().flush();
        return s.getInputStream().read();
    }

    /** -1 when the connection was closed (or reset) under the reader. */
    private static int readOrClosed(Socket s) throws IOException {
        try {
            return s.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException reset) {
            return -1;
        }
    }

    @Test
    void passesDropsAndBlackholes() throws Exception {
        try (FaultProxy proxy = new FaultProxy("t", LoopbackPorts.next(), target.getLocalPort())) {
            Socket a = connect(proxy);
            assertThat(roundTrip(a, 7)).isEqualTo(7);

            proxy.setMode(FaultProxy.Mode.BLACKHOLE);
            a.setSoTimeout(300);
            a.getOutputStream().write(8);
            // silent: the connection stays open and nothing comes back
            assertThatThrownBy(() -> a.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            proxy.setMode(FaultProxy.Mode.DROP);
            a.setSoTimeout(5000);
            assertThat(readOrClosed(a)).isEqualTo(-1); // dropped: closed

            proxy.setMode(FaultProxy.Mode.PASS);
            try (Socket b = connect(proxy)) {
                assertThat(roundTrip(b, 9)).isEqualTo(9);
            }
        }
    }

    @Test
    void aPartitionCutsAndRefusesUntilHealed() throws Exception {
        try (FaultProxy proxy = new FaultProxy(target.getLocalPort())) {
            assertThat(proxy.connectString()).isEqualTo("127.0.0.1:" + proxy.port());
            Socket a = connect(proxy);
            assertThat(roundTrip(a, 1)).isEqualTo(1);

            proxy.partition();
            assertThat(readOrClosed(a)).isEqualTo(-1);
            try (Socket refused = connect(proxy)) {
                assertThat(readOrClosed(refused)).isEqualTo(-1);
            }

            proxy.heal();
            try (Socket b = connect(proxy)) {
                assertThat(roundTrip(b, 2)).isEqualTo(2);
            }
            assertThat(proxy.accepted()).isEqualTo(3);
        }
    }

    @Test
    void refusingNewConnectionsKeepsTheOldOnesAndCuttingKeepsAccepting() throws Exception {
        try (FaultProxy proxy = new FaultProxy(target.getLocalPort())) {
            Socket old = connect(proxy);
            assertThat(roundTrip(old, 2)).as("forwarded before refusing starts").isEqualTo(2);
            proxy.refuseNew(true);
            try (Socket refused = connect(proxy)) {
                assertThat(readOrClosed(refused)).isEqualTo(-1);
            }
            assertThat(roundTrip(old, 3)).as("made before: still forwarded").isEqualTo(3);

            proxy.refuseNew(false);
            proxy.cutAll();
            assertThat(readOrClosed(old)).isEqualTo(-1);
            try (Socket fresh = connect(proxy)) {
                assertThat(roundTrip(fresh, 4)).isEqualTo(4);
            }
        }
    }

    @Test
    void aDelayedLinkStillDeliversEveryByteInOrder() throws Exception {
        try (FaultProxy proxy = new FaultProxy(target.getLocalPort())) {
            proxy.delay(Duration.ofMillis(20));
            try (Socket s = connect(proxy)) {
                for (int b = 10; b < 15; b++) {
                    assertThat(roundTrip(s, b)).isEqualTo(b);
                }
            }
        }
    }

    @Test
    void aDownTargetClosesTheProxiedConnection() throws Exception {
        int port = target.getLocalPort();
        target.close();
        try (FaultProxy proxy = new FaultProxy(port);
                Socket s = connect(proxy)) {
            assertThat(readOrClosed(s)).isEqualTo(-1);
        }
    }
}
