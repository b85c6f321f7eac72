package io.coordinator.server.zab;

/** zxid = epoch (high 32 bits) | counter (low 32 bits). */
public final class Zxids {
    private Zxids() {}

    public static long epochOf(long zxid) {
        return zxid >>> 32;
    }

    public static long counterOf(long zxid) {
        return zxid & 0xffffffffL;
    }

    public static long make(long epoch, long counter) {
        return (epoch << 32) | (counter & 0xffffffffL);
    }

    public static String hex(long zxid) {
        return "0x" + Long.toHexString(zxid);
    }
}
