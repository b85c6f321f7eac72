package io.coordinator.trust.nemesis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback ports for processes configured before they start. Taken below the OS's ephemeral range (Linux
 * 32768-60999): a port-0 number, once released, may become the local port of any outgoing connection before
 * our server binds it. Each is checked bindable and never handed out twice by this JVM.
 */
public final class Ports {
    private static final int FIRST = 10_000;
    private static final int SPAN = 22_000;
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(SPAN));

    private Ports() {
    }

    public static int next() throws IOException {
        for (int attempt = 0; attempt < SPAN; attempt++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), SPAN);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IOException("no bindable loopback port in " + FIRST + ".." + (FIRST + SPAN));
    }
}
