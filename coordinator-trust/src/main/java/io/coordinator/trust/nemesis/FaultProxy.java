package io.coordinator.trust.nemesis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on one directed link between two ensemble members (one proxy per link and port, so member A's
 * view of B can be cut while B's view of A stays). PASS forwards; DROP closes every connection and refuses new
 * ones (a fast failure, like a reset); BLACKHOLE keeps connections open but discards every byte (a silent
 * partition that only timeouts notice). Leaving a fault closes what it touched, so peers reconnect cleanly.
 */
public final class FaultProxy implements AutoCloseable {
    public enum Mode { PASS, DROP, BLACKHOLE }

    private final String name;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.PASS;
    private volatile boolean closed;

    public FaultProxy(String name, int listenPort, int targetPort) throws IOException {
        this.name = name;
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 50);
        Thread t = new Thread(this::acceptLoop, "proxy-" + name);
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
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
            closeAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                return;
            }
            Mode m = mode;
            if (m == Mode.DROP) {
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
                out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
                out.setTcpNoDelay(true);
                in.setTcpNoDelay(true);
                open.add(out);
                pump(in, out, "up");
                pump(out, in, "down");
            } catch (IOException e) {
                open.remove(in);
                closeQuietly(in); // the member is down: the caller sees a refused connection
            }
        }
    }

    private void pump(Socket from, Socket to, String dir) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream is = from.getInputStream()) {
                OutputStream os = to == null ? null : to.getOutputStream();
                int n;
                while ((n = is.read(buf)) >= 0) {
                    if (mode == Mode.PASS && os != null) {
                        os.write(buf, 0, n);
                    }
                    // otherwise the bytes vanish
                }
            } catch (IOException e) {
                // closed by either side or by a fault
            } finally {
                open.remove(from);
                closeQuietly(from);
                if (to != null) {
                    open.remove(to);
                    closeQuietly(to);
                }
            }
        }, "proxy-" + name + "-" + dir);
        t.setDaemon(true);
        t.start();
    }

    private void closeAll() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
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
            server.close();
        } catch (IOException e) {
            // already closed
        }
        closeAll();
    }

    @Override
    public String toString() {
        return name + ":" + port() + "->" + targetPort + " " + mode;
    }
}
