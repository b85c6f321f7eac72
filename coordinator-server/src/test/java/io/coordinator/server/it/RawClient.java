package io.coordinator.server.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;

/**
 * A minimal ZooKeeper wire client over a plain socket. It uses ZooKeeper's own generated jute records, so
 * the bytes are exactly what the official client sends, but it performs no client-side validation.
 */
public final class RawClient implements AutoCloseable {
    public static final int READ_TIMEOUT_MS = 15_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int xid = 1;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawClient open(int port) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(READ_TIMEOUT_MS);
        return new RawClient(s);
    }

    /** Opens a socket and establishes a new session (timeout in ms). */
    public static RawClient session(int port, int timeoutMs) throws IOException {
        RawClient c = open(port);
        ConnectResponse r = c.connect(0, timeoutMs, 0, new byte[16], true);
        if (r == null || r.getTimeOut() <= 0) {
            throw new IOException("session refused: " + r);
        }
        c.sessionId = r.getSessionId();
        c.passwd = r.getPasswd();
        c.negotiatedTimeout = r.getTimeOut();
        return c;
    }

    public long sessionId;
    public byte[] passwd;
    public int negotiatedTimeout;
    /** Highest zxid seen in any reply or notification header. */
    public long lastZxidSeen;
    /** Raw bytes of the last ConnectResponse frame (without the length prefix). */
    public byte[] lastConnectFrame;

    public static byte[] serialize(Record r) throws IOException {
        ByteArrayOutputStream baos = new ByteArrayOutputStream();
        r.serialize(BinaryOutputArchive.getArchive(baos), "");
        return baos.toByteArray();
    }

    public static <T extends Record> T deserialize(T r, byte[] bytes, int offset) throws IOException {
        BinaryInputArchive ia =
                BinaryInputArchive.getArchive(new ByteArrayInputStream(bytes, offset, bytes.length - offset));
        r.deserialize(ia, "");
        return r;
    }

    /** Sends a ConnectRequest (with or without the trailing readOnly byte) and reads the reply; null on EOF. */
    public ConnectResponse connect(long lastZxid, int timeoutMs, long sid, byte[] pw, boolean sendReadOnly)
            throws IOException {
        return connect(lastZxid, timeoutMs, sid, pw, sendReadOnly, false);
    }

    /** As above; {@code canBeReadOnly} is the request's readOnly flag (the client accepts a read-only server). */
    public ConnectResponse connect(
            long lastZxid, int timeoutMs, long sid, byte[] pw, boolean sendReadOnly, boolean canBeReadOnly)
            throws IOException {
        byte[] body = serialize(new ConnectRequest(0, lastZxid, timeoutMs, sid, pw, canBeReadOnly));
        if (!sendReadOnly) {
            byte[] shorter = new byte[body.length - 1];
            System.arraycopy(body, 0, shorter, 0, shorter.length);
            body = shorter;
        }
        sendFrame(body);
        byte[] frame = readFrame();
        lastConnectFrame = frame;
        if (frame == null) {
            return null;
        }
        ConnectResponse r = new ConnectResponse();
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(frame));
        // parse by hand so that a 36-byte reply (no readOnly byte) is accepted
        r.setProtocolVersion(d.readInt());
        r.setTimeOut(d.readInt());
        r.setSessionId(d.readLong());
        int len = d.readInt();
        byte[] pwd = new byte[Math.max(len, 0)];
        d.readFully(pwd);
        r.setPasswd(pwd);
        if (d.available() > 0) {
            r.setReadOnly(d.readBoolean());
        }
        if (r.getTimeOut() > 0) {
            sessionId = r.getSessionId();
            passwd = r.getPasswd();
            negotiatedTimeout = r.getTimeOut();
        }
        return r;
    }

    public int nextXid() {
        return xid++;
    }

    public void sendFrame(byte[] payload) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 4);
        new DataOutputStream(b).writeInt(payload.length);
        b.write(payload);
        out.write(b.toByteArray());
        out.flush();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends bytes, ignoring a reset/broken pipe (the server may close before it has read them all). */
    public void sendRawQuietly(byte[] bytes) {
        try {
            sendRaw(bytes);
        } catch (IOException ignored) {
            // closed by the server: what the caller checks next
        }
    }

    public void sendRaw(String ascii) throws IOException {
        sendRaw(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    /** Sends RequestHeader + body (body may be null) with the given xid. */
    public void send(int xid, int type, Record body) throws IOException {
        sendFrame(requestBytes(xid, type, body == null ? new byte[0] : serialize(body)));
    }

    public void sendBytes(int xid, int type, byte[] body) throws IOException {
        sendFrame(requestBytes(xid, type, body));
    }

    public static byte[] requestBytes(int xid, int type, byte[] body) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(serialize(new RequestHeader(xid, type)));
        b.write(body);
        return b.toByteArray();
    }

    /** Reads one frame's payload, or null if the peer closed the connection (EOF or reset). */
    public byte[] readFrame() throws IOException {
        int len;
        try {
            len = in.readInt();
        } catch (EOFException | SocketException e) {
            return null;
        }
        if (len < 0 || len > 16 * 1024 * 1024) {
            throw new IOException("bad frame length " + len);
        }
        byte[] b = new byte[len];
        try {
            in.readFully(b);
        } catch (EOFException e) {
            return null;
        }
        return b;
    }

    /** A reply: notifications that arrived before it (in order) and the reply frame itself. */
    public record Exchange(List<byte[]> before, byte[] reply) {
        public ReplyHeader header() throws IOException {
            return reply == null ? null : deserialize(new ReplyHeader(), reply, 0);
        }

        /** Offset of the body in the reply frame (after the 16-byte ReplyHeader). */
        public static final int BODY = 16;
    }

    /** Sends a request and reads frames until the frame whose xid matches (notifications are collected). */
    public Exchange call(int type, Record body) throws IOException {
        return callBytes(type, body == null ? new byte[0] : serialize(body));
    }

    public Exchange callXid(int x, int type, Record body) throws IOException {
        send(x, type, body);
        return awaitXid(x);
    }

    public Exchange callBytes(int type, byte[] body) throws IOException {
        int x = type == 11 ? -2 : nextXid();
        sendBytes(x, type, body);
        return awaitXid(x);
    }

    public Exchange awaitXid(int x) throws IOException {
        List<byte[]> before = new ArrayList<>();
        while (true) {
            byte[] f = readFrame();
            if (f == null) {
                return new Exchange(before, null);
            }
            ReplyHeader h = deserialize(new ReplyHeader(), f, 0);
            if (h.getZxid() > lastZxidSeen) {
                lastZxidSeen = h.getZxid();
            }
            if (h.getXid() == x) {
                return new Exchange(before, f);
            }
            before.add(f);
        }
    }

    /** Ping (xid -2): a cheap round trip that flushes any notifications queued before it. */
    public Exchange ping() throws IOException {
        sendBytes(-2, 11, new byte[0]);
        return awaitXid(-2);
    }

    /** True if the server closes the connection within the read timeout (any pending frames are skipped). */
    public boolean closedByPeer() throws IOException {
        InputStream is = socket.getInputStream();
        byte[] buf = new byte[4096];
        try {
            while (true) {
                int n = is.read(buf);
                if (n < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // connection reset
        }
    }

    /** Reads everything until EOF (for four-letter words). */
    public String readAllText() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = socket.getInputStream().read(buf)) >= 0) {
                b.write(buf, 0, n);
            }
        } catch (SocketException e) {
            // reset after the output: keep what was read
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    public void closeAbruptly() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Sends a four-letter word on a fresh connection and returns the whole reply text. */
    public static String fourLetterWord(int port, String word) throws IOException {
        try (RawClient c = open(port)) {
            c.sendRaw(word);
            return c.readAllText();
        }
    }
}
