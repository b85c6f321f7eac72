/**
 * Durable storage: the transaction log, group commit, snapshots, the data directory and recovery.
 *
 * <h2>Guarantees</h2>
 * <ul>
 * <li>Nothing is acknowledged before it is on disk: {@link GroupCommitLog} runs a
 * record's callback only after {@code FileChannel.force} returned for it. One fsync covers every record that
 * arrived while the previous fsync ran.</li>
 * <li>An IOException while writing or syncing is fatal: no retry (after a failed fsync the kernel may have
 * dropped dirty pages), no callbacks for the failed batch, the failure handler runs once, later writes are
 * refused.</li>
 * <li>Every record and every snapshot carries a CRC32C. A torn or corrupt tail of the last log segment is cut
 * at the last good record on open (WARN with the offset) and never applied; damage anywhere else stops the
 * startup with a {@link CorruptStorageException}.</li>
 * <li>New files and renames are made durable by fsyncing the directory.</li>
 * </ul>
 *
 * <h2>Log segment format</h2>
 * A log directory holds segments named {@code log.<zxid>} where {@code <zxid>} is the zxid of the segment's
 * first record as 16 lower-case hex digits. All integers are big-endian.
 * <pre>
 * header (32 bytes):
 *   int   magic      0x434F4C47 ("COLG")
 *   int   version    1
 *   long  firstZxid  zxid of the first record (equals the file name)
 *   long  prevZxid   zxid of the last record before this segment (0 for the first segment ever); a segment's
 *                    prevZxid must equal the previous segment's last zxid, so a missing segment is detected,
 *                    and the first segment's prevZxid is the log's base: every txn after it is present
 *   int   headerCrc  CRC32C of the 24 bytes above
 *   int   reserved   0
 * records, back to back:
 *   int   length     body length in bytes, &gt; 0; a length of 0 marks the end of the segment
 *   int   crc        CRC32C of the 4 length bytes followed by the body
 *   byte[length] body  the TxnRecord in jute encoding (TxnHeader then the Txn)
 * then zeros up to the preallocated file size.
 * </pre>
 * Segments grow in zero-filled steps of {@link LogOptions#preallocateBytes()}
 * (default 64 MiB), so most syncs are data-only ({@code force(false)}); a sync after growth forces metadata.
 * A segment is rolled before an append when it reaches {@code maxSegmentBytes} or {@code maxSegmentTxns};
 * rolling fsyncs the old segment; a new segment's header and first preallocation are written and fsynced as
 * {@code log.<zxid>.tmp}, renamed into place and the directory fsynced before any record is written to it, so a
 * named segment's header is never a power cut's damage (a leftover {@code .tmp} is deleted on open). zxids are strictly increasing within and across segments.
 *
 * <p>On open every segment is scanned. Reading stops at a zero length. In the last segment a bad record that
 * may be a torn write (impossible length, record past the end of file, CRC mismatch) ends the log: the file
 * is truncated at the last good record and logged at WARN; non-zero bytes after the end marker (a partly
 * written, unsynced batch) are also truncated away, so stale bytes can never line up behind new records.
 * A last segment with a torn header (left by versions that created segments in place) or no records is deleted. A record whose CRC is valid but which cannot
 * be decoded, or whose zxid is out of order, is never treated as a torn write. Damage in any earlier segment
 * is fatal.
 *
 * <h2>Snapshot format</h2>
 * A snapshot directory holds {@code snapshot.<zxid>} (16 hex digits) files, written as
 * {@code snapshot.<zxid>.<n>.tmp} and renamed atomically after {@code force}; stale temp files are deleted
 * when the store opens.
 * <pre>
 * header (16 bytes): int magic 0x43534E50 ("CSNP"), int version 1, long zxid (equals the file name)
 * body:              whatever the SnapshotContent wrote
 * trailer (16 bytes): long length (bytes of header + body), int CRC32C (of header + body),
 *                     int end magic 0x43534E45 ("CSNE")
 * </pre>
 * Loading verifies trailer, length, CRC and header before the loader reads the body, and requires the loader
 * to consume the body exactly; an invalid snapshot is skipped (WARN) in favour of the next older one.
 *
 * <h2>Data directory</h2>
 * {@code <dataDir>/log}, {@code <dataDir>/snapshot} and {@code <dataDir>/lock} (an exclusive OS lock, holder's
 * pid written inside). Recovery loads the newest valid snapshot at zxid S and replays log records with
 * zxid &gt; S; it refuses to start if the log's base is above S (txns would be missing).
 */
package io.coordinator.server.storage;
