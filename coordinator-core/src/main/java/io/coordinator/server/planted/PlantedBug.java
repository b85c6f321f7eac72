package io.coordinator.server.planted;

import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Known bugs a test can plant, one per JVM, to prove that its checker catches them (the planted-bug harnesses:
 * {@code PlantedBugsTest} in coordinator-core for storage and ZAB, {@code PlantedBugsTrustIT} in coordinator-trust
 * for the server under the trust harness). Each is a constant read once at class load, so the code that tests it
 * is dead in production and the JIT drops it. A bug is planted only when both {@code -Dcoordinator.plant=<name>}
 * is set and one of the test-only {@link #TEST_MARKERS} classes is on the class path: a production build has no
 * such class, so no setting a user makes can plant anything.
 */
public final class PlantedBug {
    /** coordinator-core's test power-loss disk; coordinator-test-support's marker (for server processes). */
    static final List<String> TEST_MARKERS =
            List.of("io.coordinator.server.storage.PowerLossDisk", "io.coordinator.testsupport.PlantedBugMarker");
    /** The bugs planted in a real server and caught by the trust harness (coordinator-trust). */
    public static final List<String> TRUST = List.of(
            "follower-read-ahead-of-sync", "watch-event-dropped", "expiry-keeps-ephemerals", "replies-out-of-order");
    /** Every bug that can be planted, by name. */
    public static final List<String> ALL = Stream.concat(
                    Stream.of(
                            "log-sync-skips-fsync",
                            "log-sync-without-flush",
                            "trunc-one-too-many",
                            "segment-created-in-place",
                            "ack-before-fsync",
                            "epoch-skips-fsync",
                            "snapshot-skips-dir-fsync",
                            "follower-applies-uncommitted",
                            "log-open-skips-fsync"),
                    TRUST.stream())
            .toList();

    private static final String NAME = plantedName();
    /** Counts the chances an every-Nth bug had (a planted bug fires on some of them, not all). */
    private static final AtomicLong CHANCES = new AtomicLong();

    /** {@code TxnLog.sync} returns without forcing the segment to disk (acknowledge before fsync). */
    public static final boolean LOG_SYNC_SKIPS_FSYNC = is("log-sync-skips-fsync");
    /** {@code TxnLog.sync} forces the file but not the records still in its buffer. */
    public static final boolean LOG_SYNC_WITHOUT_FLUSH = is("log-sync-without-flush");
    /** ZAB's TRUNC to zxid z also drops the record at z when it cuts inside a segment. */
    public static final boolean TRUNC_ONE_TOO_MANY = is("trunc-one-too-many");
    /** A log segment is created under its final name, its header not yet durable (the bug fixed by tmp+rename). */
    public static final boolean SEGMENT_CREATED_IN_PLACE = is("segment-created-in-place");
    /** Group commit runs a batch's callbacks (acknowledges) after appending it, before its fsync. */
    public static final boolean ACK_BEFORE_FSYNC = is("ack-before-fsync");
    /** The epoch file's temp copy is renamed into place without being fsynced first. */
    public static final boolean EPOCH_SKIPS_FSYNC = is("epoch-skips-fsync");
    /** A snapshot's rename is not made durable (no directory fsync) before the write returns. */
    public static final boolean SNAPSHOT_SKIPS_DIR_FSYNC = is("snapshot-skips-dir-fsync");
    /** A follower treats every proposal it logged as committed, without waiting for the leader's COMMIT. */
    public static final boolean FOLLOWER_APPLIES_UNCOMMITTED = is("follower-applies-uncommitted");

    /**
     * {@code TxnLog.open} does not force its last segment, so records a killed process left in the page cache are
     * taken as durable after the restart, and a later power cut loses them.
     */
    public static final boolean LOG_OPEN_SKIPS_FSYNC = is("log-open-skips-fsync");

    /** A learner answers a sync at once from its own state, without waiting for the leader's sync point. */
    public static final boolean FOLLOWER_READ_AHEAD_OF_SYNC = is("follower-read-ahead-of-sync");
    /** Every 10th watch event a connection should get is not sent (the watch is consumed all the same). */
    public static final boolean WATCH_EVENT_DROPPED = is("watch-event-dropped");
    /** The leader forgets an expired session without its closeSession txn: its ephemerals are never deleted. */
    public static final boolean EXPIRY_KEEPS_EPHEMERALS = is("expiry-keeps-ephemerals");
    /** Every 5th time two reads of one connection are due together, the second is answered first. */
    public static final boolean REPLIES_OUT_OF_ORDER = is("replies-out-of-order");

    private PlantedBug() {}

    /** For an every-Nth bug: true on every {@code n}th call in this JVM. */
    public static boolean everyNth(int n) {
        return CHANCES.incrementAndGet() % n == 0;
    }

    /**
     * For {@link #REPLIES_OUT_OF_ORDER}: when the first two of {@code queue} are both {@code due} (and it is their
     * {@code n}th chance), swaps them, so the second is answered first.
     */
    public static <T> void swapHead(Deque<T> queue, Predicate<T> due, int n) {
        if (queue.size() < 2) {
            return;
        }
        T first = queue.pollFirst();
        T second = queue.peekFirst();
        if (due.test(first) && due.test(second) && everyNth(n)) {
            queue.pollFirst();
            queue.addFirst(first);
            queue.addFirst(second);
        } else {
            queue.addFirst(first);
        }
    }

    /** The bug planted in this JVM, or "" (always "" in production). */
    public static String name() {
        return NAME;
    }

    private static boolean is(String name) {
        return NAME.equals(name);
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, PlantedBug.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String plantedName() {
        String name = System.getProperty("coordinator.plant", "");
        if (name.isEmpty()) {
            return "";
        }
        if (TEST_MARKERS.stream().noneMatch(PlantedBug::onClassPath)) {
            return ""; // not a test class path
        }
        if (!ALL.contains(name)) {
            throw new IllegalArgumentException("coordinator.plant=" + name + " is not one of " + ALL);
        }
        return name;
    }
}
