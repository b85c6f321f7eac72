package io.coordinator.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback ports for servers configured before they start (an ensemble string names every member's ports up
 * front). Asking the OS for port 0 and closing the socket is racy: that number comes from the ephemeral range,
 * where the next outgoing connection of any client may take it as its local port before our server binds it.
 * These ports lie below the ephemeral range instead (Linux default 32768-60999), which the OS never assigns on
 * its own; each is checked bindable once and never handed out twice by this JVM.
 */
public final class LoopbackPorts {
    private static final int FIRST = 10_000;
    private static final int LAST = 32_000;
    /** A random start, so two JVMs running at once (a forked test and a benchmark) rarely meet. */
    private static final AtomicInteger NEXT =
            new AtomicInteger(FIRST + ThreadLocalRandom.current().nextInt(LAST - FIRST));

    private LoopbackPorts() {}

    public static int next() throws IOException {
        for (int attempt = 0; attempt < LAST - FIRST; attempt++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement() - FIRST, LAST - FIRST);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IOException("no bindable loopback port in " + FIRST + ".." + LAST);
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
