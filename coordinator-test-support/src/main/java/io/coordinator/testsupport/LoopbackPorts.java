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
 *
 * <p>Test JVMs forked side by side by one build (surefire's {@code forkCount}) take disjoint slices of the range,
 * so one fork never hands out a port another fork just checked and is about to bind: the build sets
 * {@value #FORK} to the fork's number (1-based, surefire's {@code ${surefire.forkNumber}}) and {@value #FORKS}
 * to the number of forks. Without them this JVM takes the whole range.
 */
public final class LoopbackPorts {
    /** System property: this JVM's fork number, 1 to {@value #FORKS}. */
    public static final String FORK = "loopbackPorts.fork";
    /** System property: how many forks share the range. */
    public static final String FORKS = "loopbackPorts.forks";

    private static final int FIRST = 10_000;
    private static final int LAST = 32_000;

    private static final Range RANGE = Range.of(System.getProperty(FORK), System.getProperty(FORKS));
    /** A random start, so two unrelated JVMs running at once (a test and a benchmark) rarely meet. */
    private static final AtomicInteger NEXT =
            new AtomicInteger(RANGE.first + ThreadLocalRandom.current().nextInt(RANGE.size()));

    private LoopbackPorts() {}

    public static int next() throws IOException {
        for (int attempt = 0; attempt < RANGE.size(); attempt++) {
            int port = RANGE.first + Math.floorMod(NEXT.getAndIncrement() - RANGE.first, RANGE.size());
            if (bindable(port)) {
                return port;
            }
        }
        throw new IOException("no bindable loopback port in " + RANGE.first + ".." + (RANGE.last - 1));
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

    /** The ports this JVM hands out: {@code first} inclusive to {@code last} exclusive. */
    record Range(int first, int last) {
        int size() {
            return last - first;
        }

        /** Slice {@code fork} of {@code forks} equal slices of the whole range; the whole range when both are unset. */
        static Range of(String fork, String forks) {
            if (fork == null && forks == null) {
                return new Range(FIRST, LAST);
            }
            int n = parse(FORKS, forks, 1, 100);
            int k = parse(FORK, fork, 1, n);
            int slice = (LAST - FIRST) / n;
            return new Range(FIRST + (k - 1) * slice, FIRST + k * slice);
        }

        private static int parse(String property, String value, int min, int max) {
            try {
                int v = Integer.parseInt(value == null ? "" : value.trim());
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // named below
            }
            throw new IllegalArgumentException("system property " + property + " must be an integer from " + min
                    + " to " + max + " (set " + FORK + " and " + FORKS + " together), but is " + value);
        }
    }
}
