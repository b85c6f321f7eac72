package io.coordinator.server.storage.zookeeper;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Adler32;

/** Crafts Apache ZooKeeper snapshot and log bytes for the reader's unit and fuzz tests. */
final class ZkBytes {
    private ZkBytes() {}

    /** A jute output with Adler-32 over everything written, as ZooKeeper's CheckedOutputStream. */
    static final class Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);

        /** One write to the in-memory stream (which cannot really fail). */
        private interface Write {
            void to(DataOutputStream out) throws IOException;
        }

        private Out write(Write w) {
            try {
                w.to(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out i(int v) {
            return write(o -> o.writeInt(v));
        }

        Out l(long v) {
            return write(o -> o.writeLong(v));
        }

        Out b(int v) {
            return write(o -> o.writeByte(v));
        }

        /** The bytes as they are, without a length. */
        Out raw(byte[] v) {
            return write(o -> o.write(v));
        }

        Out s(String v) {
            return buf(v == null ? null : v.getBytes(StandardCharsets.UTF_8));
        }

        Out buf(byte[] v) {
            return v == null ? i(-1) : i(v.length).raw(v);
        }

        /** ZooKeeper's seal: the Adler-32 of everything so far, then "/". */
        Out seal() {
            Adler32 a = new Adler32();
            a.update(bytes.toByteArray());
            return l(a.getValue()).s("/");
        }

        byte[] toBytes() {
            return bytes.toByteArray();
        }
    }

    /** Stat fields of a node created and last changed at zxid (persistent, no children). */
    static Out stat(Out o, long zxid, int cversion, long owner, long pzxid) {
        return o.l(zxid)
                .l(zxid)
                .l(1000 + zxid)
                .l(1000 + zxid)
                .i(0)
                .i(cversion)
                .i(0)
                .l(owner)
                .l(pzxid);
    }

    /** A snapshot of "/" and "/a" (data "A", ACL ref 1 = digest), one session, a digest and last-zxid section. */
    static byte[] snapshot(long zxid) {
        Out o = new Out();
        o.i(ZkSnapshotFile.MAGIC).i(2).l(0);
        o.i(1).l(0x100L).i(30000); // sessions
        o.i(1).l(1).i(1).i(31).s("digest").s("alice:x"); // ACL cache: ref 1
        stat(o.s("").buf(new byte[0]).l(-1), 0, 1, 0, zxid);
        stat(o.s("/a").buf("A".getBytes(StandardCharsets.UTF_8)).l(1), zxid, 0, 0, zxid);
        o.s("/").seal();
        o.l(zxid).i(2).l(12345).seal(); // digest
        o.l(zxid).seal(); // last processed zxid
        return o.toBytes();
    }

    /** One log entry: TxnHeader (session 0x100) and the txn body. */
    static byte[] entry(long zxid, int type, byte[] body) {
        return new Out().l(0x100L).i(1).l(zxid).l(2000 + zxid).i(type).raw(body).toBytes();
    }

    /** A setData of path. */
    static byte[] setData(long zxid, String path, String data, int version) {
        return entry(zxid, 5, new Out().s(path).s(data).i(version).toBytes());
    }

    /** A log file: header, the entries as records, then {@code padding} zero bytes. */
    static byte[] log(int padding, byte[]... entries) {
        Out o = new Out().i(ZkLogFile.MAGIC).i(2).l(0);
        for (byte[] e : entries) {
            Adler32 a = new Adler32();
            a.update(e);
            o.l(a.getValue()).buf(e).b('B');
        }
        for (int i = 0; i < padding; i++) {
            o.b(0);
        }
        return o.toBytes();
    }
}
