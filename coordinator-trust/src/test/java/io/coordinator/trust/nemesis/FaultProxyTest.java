package io.coordinator.trust.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class FaultProxyTest {

    /** An echo server on a loopback port; returns its socket. */
    private static ServerSocket echo() throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Ports.next()));
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try {
                    Socket c = s.accept();
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
        return s;
    }

    private static int roundTrip(Socket s, int b) throws IOException {
        s.getOutputStream().write(b);
        s.getOutputStream().flush();
        return s.getInputStream().read();
    }

    @Test
    void passesDropsAndBlackholes() throws Exception {
        try (ServerSocket target = echo(); FaultProxy proxy = new FaultProxy("t", Ports.next(), target.getLocalPort())) {
            Socket a = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
            a.setSoTimeout(5000);
            assertThat(roundTrip(a, 7)).isEqualTo(7);

            proxy.setMode(FaultProxy.Mode.BLACKHOLE);
            a.setSoTimeout(300);
            a.getOutputStream().write(8);
            boolean timedOut = false;
            try {
                a.getInputStream().read();
            } catch (SocketTimeoutException e) {
                timedOut = true; // silent: the connection stays open and nothing comes back
            }
            assertThat(timedOut).isTrue();

            proxy.setMode(FaultProxy.Mode.DROP);
            a.setSoTimeout(5000);
            InputStream in = a.getInputStream();
            int r;
            try {
                r = in.read();
            } catch (IOException reset) {
                r = -1;
            }
            assertThat(r).isEqualTo(-1); // dropped: closed

            proxy.setMode(FaultProxy.Mode.PASS);
            try (Socket b = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                b.setSoTimeout(5000);
                assertThat(roundTrip(b, 9)).isEqualTo(9);
            }
        }
    }
}
