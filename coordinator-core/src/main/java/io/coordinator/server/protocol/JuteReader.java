package io.coordinator.server.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads jute's binary encoding (big-endian, no tags) from a byte array. A length of -1 is null; any
 * other negative length, or one larger than what is left, is a {@link ProtocolException}.
 */
public final class JuteReader {
    private final ByteBuffer buf;

    public JuteReader(byte[] bytes) {
        this(ByteBuffer.wrap(bytes));
    }

    public JuteReader(byte[] bytes, int offset, int length) {
        this(ByteBuffer.wrap(bytes, offset, length));
    }

    public JuteReader(ByteBuffer buf) {
        this.buf = buf;
    }

    public int remaining() {
        return buf.remaining();
    }

    public boolean hasRemaining() {
        return buf.hasRemaining();
    }

    public int position() {
        return buf.position();
    }

    private void need(int n, String what) {
        if (buf.remaining() < n) {
            throw new ProtocolException(
                    "truncated record: need " + n + " bytes for " + what + ", have " + buf.remaining());
        }
    }

    public int readInt() {
        need(4, "int");
        return buf.getInt();
    }

    public long readLong() {
        need(8, "long");
        return buf.getLong();
    }

    public byte readByte() {
        need(1, "byte");
        return buf.get();
    }

    public boolean readBool() {
        return readByte() != 0;
    }

    /** Reads an optional trailing bool (ZooKeeper's readOnly byte): false when nothing is left. */
    public boolean readOptionalBool() {
        return buf.hasRemaining() && buf.get() != 0;
    }

    private int readLength(String what) {
        int len = readInt();
        if (len < -1) {
            throw new ProtocolException("negative length " + len + " for " + what);
        }
        if (len > buf.remaining()) {
            throw new ProtocolException(
                    "length " + len + " for " + what + " exceeds the " + buf.remaining() + " bytes left");
        }
        return len;
    }

    /** A buffer, or null for length -1. */
    public byte[] readBuffer() {
        int len = readLength("buffer");
        if (len == -1) {
            return null;
        }
        byte[] out = new byte[len];
        buf.get(out);
        return out;
    }

    /** A UTF-8 string, or null for length -1. */
    public String readString() {
        int len = readLength("string");
        if (len == -1) {
            return null;
        }
        String s;
        if (buf.hasArray()) {
            s = new String(buf.array(), buf.arrayOffset() + buf.position(), len, StandardCharsets.UTF_8);
            buf.position(buf.position() + len);
        } else {
            byte[] b = new byte[len];
            buf.get(b);
            s = new String(b, StandardCharsets.UTF_8);
        }
        return s;
    }

    /** A vector's element count; -1 means null. Rejects counts that cannot fit in what is left. */
    public int readVectorSize() {
        int n = readInt();
        if (n < -1) {
            throw new ProtocolException("negative vector size " + n);
        }
        if (n > buf.remaining()) {
            throw new ProtocolException("vector size " + n + " exceeds the " + buf.remaining() + " bytes left");
        }
        return n;
    }
}
