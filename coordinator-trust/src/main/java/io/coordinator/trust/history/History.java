package io.coordinator.trust.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Everything one round recorded; thread-safe to append to, copied out to check. */
public final class History {
    private final List<Op> ops = new ArrayList<>();
    private final List<WatchEvent> events = new ArrayList<>();
    private final List<ReplyOrderError> replyOrderErrors = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    public int nextId() {
        return ids.incrementAndGet();
    }

    public synchronized void add(Op op) {
        ops.add(op);
    }

    public synchronized void add(WatchEvent e) {
        events.add(e);
    }

    public synchronized void add(ReplyOrderError e) {
        replyOrderErrors.add(e);
    }

    /** Replies the client found out of its request order (it dropped the connection for each). */
    public synchronized List<ReplyOrderError> replyOrderErrors() {
        return new ArrayList<>(replyOrderErrors);
    }

    public synchronized List<Op> ops() {
        List<Op> copy = new ArrayList<>(ops);
        copy.sort(Comparator.comparingLong(Op::invoke).thenComparingInt(Op::id));
        return copy;
    }

    public synchronized List<WatchEvent> events() {
        return new ArrayList<>(events);
    }
}
