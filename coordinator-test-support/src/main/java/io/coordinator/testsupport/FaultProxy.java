package io.coordinator.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP forwarder in front of one port, whose link can be faulted the ways a network fails:
 * <ul>
 * <li>{@link Mode#PASS} forwards; {@link Mode#DROP} closes every connection and refuses new ones (a fast
 * failure, like a reset or a partition a client notices); {@link Mode#BLACKHOLE} keeps connections open but
 * discards every byte (a silent partition only timeouts notice). Leaving a fault closes what it touched, so
 * peers reconnect cleanly.</li>
 * <li>{@link #cutAll()} cuts the connections made so far and keeps accepting; {@link #refuseNew(boolean)} closes
 * new connections at once while the existing ones stay (the server looks down to a reconnecting client).</li>
 * <li>{@link #delay(Duration)} holds every chunk of bytes that long before forwarding it (a slow link).</li>
 * </ul>
 * One proxy serves one direction of one link: member A's view of B can be cut while B's view of A stays.
 */
public final class FaultProxy implements AutoCloseable {
    public enum Mode {
        PASS,
        DROP,
        BLACKHOLE
    }

    private final String name;
    private final int targetPort;
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile Mode mode = Mode.PASS;
    private volatile boolean refusing;
    private volatile long delayNanos;
    private volatile boolean closed;

    /** A proxy to {@code targetPort} on a port the OS picks (it binds at once, so port 0 is safe here). */
    public FaultProxy(int targetPort) throws IOException {
        this("proxy", 0, targetPort);
    }

    /** A proxy to {@code targetPort} listening on {@code listenPort} (0: any), named for thread names and logs. */
    public FaultProxy(String name, int listenPort, int targetPort) throws IOException {
        this.name = name;
        this.targetPort = targetPort;
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 50);
        Thread t = new Thread(this::acceptLoop, "proxy-" + name);
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    public String connectString() {
        return "127.0.0.1:" + port();
    }

    /** Connections accepted so far: a client's connection attempts, refused ones included. */
    public int accepted() {
        return accepted.get();
    }

    public Mode mode() {
        return mode;
    }

    public synchronized void setMode(Mode next) {
        Mode before = mode;
        mode = next;
        // A dropped link resets. A blackhole keeps its connections (silent); leaving it closes them, since the
        // bytes it swallowed leave those streams unusable.
        if (next == Mode.DROP || (before == Mode.BLACKHOLE && next != Mode.BLACKHOLE)) {
            cutAll();
        }
    }

    /** Cuts every connection and refuses new ones until {@link #heal()}: a network partition. */
    public void partition() {
        setMode(Mode.DROP);
    }

    /** Forwards again. */
    public void heal() {
        setMode(Mode.PASS);
    }

    /** While refusing, new connections are accepted and closed at once; those made before stay. */
    public void refuseNew(boolean refuse) {
        this.refusing = refuse;
    }

    /** Holds every chunk of bytes this long before forwarding it; zero forwards at once. */
    public void delay(Duration delay) {
        this.delayNanos = delay.toNanos();
    }

    /** Cuts every connection made so far; new ones are still accepted. */
    public void cutAll() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket in;
            try {
                in = listener.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            Mode m = mode;
            if (m == Mode.DROP || refusing) {
                closeQuietly(in);
                continue;
            }
            open.add(in);
            if (m == Mode.BLACKHOLE) {
                pump(in, null, "bh");
                continue;
            }
            try {
                Socket out = new Socket();
                out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
                out.setTcpNoDelay(true);
                in.setTcpNoDelay(true);
                open.add(out);
                pump(in, out, "up");
                pump(out, in, "down");
            } catch (IOException e) {
                open.remove(in);
                closeQuietly(in); // the server is down: so is the proxied connection
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[16 * 1024];
                    try (InputStream is = from.getInputStream()) {
                        OutputStream os = to == null ? null : to.getOutputStream();
                        int n;
                        while ((n = is.read(buf)) >= 0) {
                            long delay = delayNanos;
                            if (delay > 0) {
                                Thread.sleep(delay / 1_000_000, (int) (delay % 1_000_000)); // the slow link itself
                            }
                            if (mode == Mode.PASS && os != null) {
                                os.write(buf, 0, n);
                            }
                            // otherwise the bytes vanish
                        }
                    } catch (IOException e) {
                        // closed by either side or by a fault
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        open.remove(from);
                        closeQuietly(from);
                        if (to != null) {
                            open.remove(to);
                            closeQuietly(to);
                        }
                    }
                },
                "proxy-" + name + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        cutAll();
    }

    @Override
    public String toString() {
        return name + ":" + port() + "->" + targetPort + " " + mode;
    }
}
