package io.coordinator.server.protocol;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Jute's buffer and string encoding (an int length, -1 for null, then the bytes) on java.io streams, for the
 * snapshot files that are written and read as streams rather than held whole ({@link JuteWriter} and
 * {@link JuteReader} work on byte arrays).
 */
public final class JuteStreams {
    private JuteStreams() {}

    public static void writeBuffer(DataOutput out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    public static void writeString(DataOutput out, String s) throws IOException {
        writeBuffer(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @throws IOException for a length below -1 or above {@code maxLength} (garbage that would be read as a huge
     *     allocation)
     */
    public static byte[] readBuffer(DataInput in, long maxLength) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > maxLength) {
            throw new IOException("bad length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    public static String readString(DataInput in, long maxLength) throws IOException {
        byte[] b = readBuffer(in, maxLength);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
