package io.coordinator.jmh;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.storage.GroupCommitLog;
import io.coordinator.server.storage.LogOptions;
import io.coordinator.server.storage.TxnLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Txn log append + group-commit fsync (GroupCommitLog on a temp dir, real fsync): one op = submit
 * {@code batch} setData records and wait until the last is durable. batch=1 is one fsync per write;
 * larger batches show what group commit buys. Also the record serialisation alone.
 * The temp dir is under java.io.tmpdir (set -Djava.io.tmpdir to put it on the data disk).
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TxnLogBench extends ShortRun {

    @Param({"1", "100"})
    public int batch;

    @Param({"100"})
    public int valueSize;

    private Path dir;
    private TxnLog log;
    private GroupCommitLog gcl;
    private long zxid;
    private TxnRecord sample;

    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = Files.createTempDirectory("jmh-txnlog-");
        log = TxnLog.open(dir, LogOptions.defaults());
        gcl = new GroupCommitLog(log, t -> {});
        zxid = 0;
        sample = record(1);
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        gcl.close();
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private TxnRecord record(long z) {
        return new TxnRecord(
                new TxnHeader(0x1234L, (int) z, z, 1_700_000_000_000L, OpCode.SET_DATA),
                new Txn.SetData("/bench-1234/n7", new byte[valueSize], (int) z));
    }

    @Benchmark
    public void appendAndSync() throws InterruptedException {
        CountDownLatch durable = new CountDownLatch(1);
        for (int i = 1; i < batch; i++) {
            gcl.submit(record(++zxid), () -> {});
        }
        gcl.submit(record(++zxid), durable::countDown);
        if (!durable.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not durable in 30 s");
        }
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public byte[] encodeRecord() {
        JuteWriter w = new JuteWriter();
        sample.write(w); // TxnLog.encode (package-private) adds the frame length and a CRC on top
        return w.toByteArray();
    }

    @SuppressWarnings("unused")
    private static final Acl KEEP = Acl.OPEN_ACL_UNSAFE.get(0);
}
