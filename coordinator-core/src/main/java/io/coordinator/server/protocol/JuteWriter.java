package io.coordinator.server.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Writes jute's binary encoding into a growable byte array. Null buffers, strings and vectors are -1. */
public final class JuteWriter {
    private byte[] buf;
    private int pos;

    public JuteWriter() {
        this(128);
    }

    public JuteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    public int size() {
        return pos;
    }

    public JuteWriter writeInt(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    /** Overwrites an int already written at {@code offset} (used for length prefixes). */
    public void setInt(int offset, int v) {
        buf[offset] = (byte) (v >>> 24);
        buf[offset + 1] = (byte) (v >>> 16);
        buf[offset + 2] = (byte) (v >>> 8);
        buf[offset + 3] = (byte) v;
    }

    public JuteWriter writeLong(long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
        return this;
    }

    public JuteWriter writeByte(byte v) {
        ensure(1);
        buf[pos++] = v;
        return this;
    }

    public JuteWriter writeBool(boolean v) {
        return writeByte(v ? (byte) 1 : (byte) 0);
    }

    public JuteWriter writeBuffer(byte[] b) {
        if (b == null) {
            return writeInt(-1);
        }
        writeInt(b.length);
        return writeRaw(b, 0, b.length);
    }

    public JuteWriter writeRaw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
        return this;
    }

    public JuteWriter writeString(String s) {
        if (s == null) {
            return writeInt(-1);
        }
        return writeBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    public JuteWriter writeStrings(List<String> list) {
        if (list == null) {
            return writeInt(-1);
        }
        writeInt(list.size());
        for (String s : list) {
            writeString(s);
        }
        return this;
    }

    public JuteWriter write(JuteRecord r) {
        r.write(this);
        return this;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    /** The backing array; valid up to {@link #size()}. */
    public byte[] array() {
        return buf;
    }
}
