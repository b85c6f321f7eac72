package io.coordinator.server.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FrameBatchTest {
    private static int bytes(List<byte[]> frames) {
        int n = FrameBatch.EMPTY_BYTES;
        for (byte[] f : frames) {
            n += FrameBatch.PER_FRAME_BYTES + f.length;
        }
        return n;
    }

    @Test
    void oneFrameGoesAsIs() {
        byte[] f = {ForwardedMessage.TAG_ZAB, 1, 2};
        assertSame(f, FrameBatch.encode(List.of(f), bytes(List.of(f))));
    }

    @Test
    void framesRoundTripInOrder() {
        List<byte[]> frames =
                List.of(new byte[] {ForwardedMessage.TAG_ZAB, 7}, new byte[] {ForwardedMessage.TAG_SYNC}, new byte[] {
                    ForwardedMessage.TAG_ZAB, 1, 2, 3
                });
        byte[] batch = FrameBatch.encode(frames, bytes(frames));
        assertEquals(bytes(frames), batch.length);
        AtomicInteger bad = new AtomicInteger();
        List<byte[]> back = FrameBatch.decode(batch, bad::incrementAndGet);
        assertEquals(0, bad.get());
        assertEquals(3, back.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(frames.get(i), back.get(i));
        }
    }

    @Test
    void badLengthKeepsTheFramesBeforeIt() {
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + 2 + 4 + 1);
        b.put(ForwardedMessage.TAG_BATCH)
                .putInt(2)
                .put(new byte[] {ForwardedMessage.TAG_ZAB, 9})
                .putInt(1000)
                .put((byte) 0);
        AtomicInteger bad = new AtomicInteger();
        List<byte[]> back = FrameBatch.decode(b.array(), bad::incrementAndGet);
        assertEquals(1, back.size());
        assertEquals(1, bad.get());
    }

    @Test
    void truncatedLengthAndNestedBatchesAreDropped() {
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + 1 + 2);
        b.put(ForwardedMessage.TAG_BATCH)
                .putInt(1)
                .put(ForwardedMessage.TAG_BATCH)
                .put(new byte[] {0, 0});
        AtomicInteger bad = new AtomicInteger();
        assertEquals(0, FrameBatch.decode(b.array(), bad::incrementAndGet).size());
        assertEquals(2, bad.get());
    }
}
