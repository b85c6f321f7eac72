package io.coordinator.server.storage.zookeeper;

/**
 * Adler-32 continued from a given value (java.util.zip.Adler32 cannot resume), for the seals ZooKeeper writes
 * after a snapshot's digest: each covers the whole stream up to it.
 */
final class Adler {
    private static final int MOD = 65521;

    private Adler() {}

    static long update(long value, byte[] b, int off, int len) {
        long a = value & 0xffff;
        long s = (value >>> 16) & 0xffff;
        for (int i = off; i < off + len; i++) {
            a = (a + (b[i] & 0xff)) % MOD;
            s = (s + a) % MOD;
        }
        return (s << 16) | a;
    }
}
