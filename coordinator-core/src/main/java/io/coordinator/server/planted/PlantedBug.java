package io.coordinator.server.planted;

/**
 * Known bugs a test can plant, one per JVM, to prove that its checker catches them (the planted-bug harness,
 * {@code PlantedBugsTest}). Each is a constant read once at class load, so the code that tests it is dead in
 * production and the JIT drops it. A bug is planted only when both {@code -Dcoordinator.plant=<name>} is set and
 * the test-only marker class {@value #TEST_MARKER} is on the class path: a production build has no such class,
 * so no setting a user makes can plant anything.
 */
public final class PlantedBug {
    static final String TEST_MARKER = "io.coordinator.server.storage.PowerLossDisk";
    /** Every bug that can be planted, by name. */
    public static final java.util.List<String> ALL = java.util.List.of(
            "log-sync-skips-fsync",
            "log-sync-without-flush",
            "trunc-one-too-many",
            "segment-created-in-place",
            "ack-before-fsync",
            "epoch-skips-fsync",
            "snapshot-skips-dir-fsync",
            "follower-applies-uncommitted",
            "log-open-skips-fsync");

    private static final String NAME = plantedName();

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

    private PlantedBug() {}

    /** The bug planted in this JVM, or "" (always "" in production). */
    public static String name() {
        return NAME;
    }

    private static boolean is(String name) {
        return NAME.equals(name);
    }

    private static String plantedName() {
        String name = System.getProperty("coordinator.plant", "");
        if (name.isEmpty()) {
            return "";
        }
        try {
            Class.forName(TEST_MARKER, false, PlantedBug.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return ""; // not a test class path
        }
        if (!ALL.contains(name)) {
            throw new IllegalArgumentException("coordinator.plant=" + name + " is not one of " + ALL);
        }
        return name;
    }
}
