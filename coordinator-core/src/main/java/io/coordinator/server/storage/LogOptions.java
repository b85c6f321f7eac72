package io.coordinator.server.storage;

/**
 * Tuning of a {@link TxnLog}.
 *
 * @param preallocateBytes zero-filled growth step of a segment file (so a data fsync rarely has to update the
 *                         file size)
 * @param maxSegmentBytes  a segment at or above this size is rolled before the next append
 * @param maxSegmentTxns   a segment holding this many records is rolled before the next append
 * @param maxRecordBytes   bodies larger than this are rejected on append and treated as corruption on read
 * @param faults           fault-injection hook ({@link StorageFaults#NONE} in production)
 */
public record LogOptions(
        long preallocateBytes, long maxSegmentBytes, long maxSegmentTxns, int maxRecordBytes, StorageFaults faults) {

    public static final long MIB = 1024 * 1024;

    public LogOptions {
        if (preallocateBytes < 4096 || maxSegmentBytes < 1024 || maxSegmentTxns < 1 || maxRecordBytes < 64) {
            throw new IllegalArgumentException("invalid log options");
        }
        if (faults == null) {
            faults = StorageFaults.NONE;
        }
    }

    public static LogOptions defaults() {
        return new LogOptions(64 * MIB, 64 * MIB, 1_000_000, 16 * (int) MIB, StorageFaults.NONE);
    }

    public LogOptions withPreallocateBytes(long v) {
        return new LogOptions(v, maxSegmentBytes, maxSegmentTxns, maxRecordBytes, faults);
    }

    public LogOptions withMaxSegmentBytes(long v) {
        return new LogOptions(preallocateBytes, v, maxSegmentTxns, maxRecordBytes, faults);
    }

    public LogOptions withMaxSegmentTxns(long v) {
        return new LogOptions(preallocateBytes, maxSegmentBytes, v, maxRecordBytes, faults);
    }

    public LogOptions withMaxRecordBytes(int v) {
        return new LogOptions(preallocateBytes, maxSegmentBytes, maxSegmentTxns, v, faults);
    }

    public LogOptions withFaults(StorageFaults v) {
        return new LogOptions(preallocateBytes, maxSegmentBytes, maxSegmentTxns, maxRecordBytes, v);
    }
}
