package io.coordinator.server.zab;

import io.coordinator.server.zab.ZabMessage.Stream;
import java.util.TreeMap;

/**
 * A learner's buffer of the leader's stream messages (sync, proposals, commits) that arrived ahead of their
 * turn: it hands them out in sequence order, drops duplicates, and tells when one is missing for too long (a
 * lost message: the learner then syncs again).
 */
final class ReorderBuffer {
    private final TreeMap<Long, Stream> ahead = new TreeMap<>();
    private long nextSeq = 1;
    private long leaderSeq; // the highest sequence number the leader says it sent
    private long missingSince = -1;

    /** Buffers a stream message; false for a duplicate of one already handed out. */
    boolean offer(Stream s) {
        if (s.seq() < nextSeq) {
            return false;
        }
        leaderSent(s.seq());
        ahead.put(s.seq(), s);
        return true;
    }

    /** The leader says it sent up to {@code seq} (a PING). */
    void leaderSent(long seq) {
        leaderSeq = Math.max(leaderSeq, seq);
    }

    /** The next message in sequence, or null if it has not arrived. */
    Stream poll() {
        if (ahead.isEmpty() || ahead.firstKey() != nextSeq) {
            return null;
        }
        nextSeq++;
        return ahead.pollFirstEntry().getValue();
    }

    /** Whether a message the leader sent has not been handed out. */
    boolean missing() {
        return !ahead.isEmpty() || leaderSeq >= nextSeq;
    }

    /**
     * A tick: true once a message has been missing for {@code ticks} ticks in a row (it was lost, not late).
     */
    boolean lost(long now, int ticks) {
        if (!missing()) {
            missingSince = -1;
        } else if (missingSince < 0) {
            missingSince = now;
        } else {
            return now - missingSince >= ticks;
        }
        return false;
    }
}
