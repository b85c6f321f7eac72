package io.coordinator.server.zab;

/**
 * The durable epoch state of a peer. {@code acceptedEpoch}: the newest epoch this peer promised to (ACKEPOCH);
 * {@code currentEpoch}: the epoch of the last leader whose NEWLEADER it acknowledged (its history is that
 * leader's). {@code acceptedFrom}: the leader the accepted epoch was promised to (-1 unknown), so a peer never
 * promises the same epoch to two different leaders, even across restarts. Always
 * {@code acceptedEpoch >= currentEpoch}. The driver persists it atomically (fsynced) before sending any message
 * of the same {@link Ready}.
 */
public record Epochs(long acceptedEpoch, long currentEpoch, int acceptedFrom) {
    public Epochs {
        if (acceptedEpoch < currentEpoch) {
            throw new IllegalArgumentException("acceptedEpoch " + acceptedEpoch + " < currentEpoch " + currentEpoch);
        }
    }

    public Epochs(long acceptedEpoch, long currentEpoch) {
        this(acceptedEpoch, currentEpoch, -1);
    }

    public static final Epochs INITIAL = new Epochs(0, 0, -1);
}
