package io.coordinator.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fuzzes {@link FrameBatch#decode}, which splits a batch frame from a peer on the quorum port.
 *
 * <p>Contract: nothing escapes (a malformed batch is reported and yields the well-formed frames before the damage);
 * every frame is non-empty and not itself a batch; the frames fit in the input; a batch reported well formed
 * re-encodes to exactly the input.
 */
class FrameBatchFuzzTest {

    /** {@code afterTag}: the batch after its tag byte (the driver only hands batches that start with the tag). */
    @FuzzTest
    void decode(byte[] afterTag) {
        byte[] batch = new byte[afterTag.length + 1];
        batch[0] = ForwardedMessage.TAG_BATCH;
        System.arraycopy(afterTag, 0, batch, 1, afterTag.length);
        AtomicInteger malformed = new AtomicInteger();
        List<byte[]> frames = FrameBatch.decode(batch, malformed::incrementAndGet);
        int bytes = FrameBatch.EMPTY_BYTES;
        for (byte[] f : frames) {
            assertThat(f).isNotEmpty();
            assertThat(f[0]).isNotEqualTo(ForwardedMessage.TAG_BATCH);
            bytes += FrameBatch.PER_FRAME_BYTES + f.length;
        }
        assertThat(bytes).isLessThanOrEqualTo(batch.length);
        if (malformed.get() == 0) {
            assertThat(bytes).isEqualTo(batch.length);
            if (frames.size() > 1) {
                assertThat(FrameBatch.encode(frames, bytes)).isEqualTo(batch);
            }
        }
    }
}
