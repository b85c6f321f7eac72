package io.coordinator.trust.history;

/**
 * One recorded operation. Times are System.nanoTime(); {@code seq} orders it among the deliveries (replies and
 * watch events) of its session as the client's event thread handed them over. {@code finalRead} marks the
 * reads made after the faults healed, at the end of a round: a mismatch there is a lost write.
 */
public record Op(
        int id,
        int client,
        long session,
        Request req,
        long invoke,
        long complete,
        Result result,
        long seq,
        boolean finalRead) {

    public long zxid() {
        return result.zxid();
    }

    public boolean isWrite() {
        return req.isWrite();
    }

    /** A write whose effect (or definite failure) sits at a known zxid. */
    public boolean isKnownWrite() {
        return isWrite()
                && (result.outcome() == Outcome.OK
                        || (result.outcome() == Outcome.FAIL && Result.isDecided(result.code())))
                && result.zxid() > 0;
    }

    /** A write that may or may not have happened. */
    public boolean isUnknownWrite() {
        return isWrite() && !isKnownWrite() && !(result.outcome() == Outcome.FAIL && Result.isDecided(result.code()));
    }

    /** A read with an answer: OK, or NONODE (absent). */
    public boolean isAnsweredRead() {
        return !isWrite()
                && result.zxid() > 0
                && (result.outcome() == Outcome.OK
                        || (result.outcome() == Outcome.FAIL && result.code() == Result.NONODE));
    }

    @Override
    public String toString() {
        return String.format(
                "#%d c%d s0x%x [%d..%d ms] %s -> %s%s",
                id,
                client,
                session,
                invoke / 1_000_000,
                complete / 1_000_000,
                req,
                result,
                finalRead ? " (final read)" : "");
    }
}
