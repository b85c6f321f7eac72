package io.coordinator.trust.history;

/** The Stat fields the checker compares. */
public record NodeStat(long czxid, long mzxid, int version, long ephemeralOwner) {
    @Override
    public String toString() {
        return "{czxid=0x" + Long.toHexString(czxid) + ", mzxid=0x" + Long.toHexString(mzxid) + ", v" + version
                + (ephemeralOwner != 0 ? ", owner=0x" + Long.toHexString(ephemeralOwner) : "") + "}";
    }
}
