package io.coordinator.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxTest {
    private final List<Map.Entry<Integer, byte[]>> sent = new ArrayList<>();

    private Outbox outbox(int maxBatchBytes) {
        return new Outbox(maxBatchBytes, (to, bytes) -> sent.add(Map.entry(to, bytes)));
    }

    private static byte[] frame(int tag, int length) {
        byte[] f = new byte[length];
        f[0] = (byte) tag;
        return f;
    }

    private static List<byte[]> framesOf(byte[] sentBytes) {
        return sentBytes[0] == ForwardedMessage.TAG_BATCH
                ? FrameBatch.decode(sentBytes, () -> {
                    throw new AssertionError("malformed batch");
                })
                : List.of(sentBytes);
    }

    @Test
    void nothingLeavesBeforeTheFlushThenOneWritePerPeerInOrder() {
        Outbox outbox = outbox(1 << 20);
        outbox.enqueue(2, frame(1, 10));
        outbox.enqueue(3, frame(2, 10));
        outbox.enqueue(2, frame(3, 10));
        assertThat(sent).isEmpty();

        outbox.flush();
        assertThat(sent).extracting(Map.Entry::getKey).containsExactlyInAnyOrder(2, 3);
        byte[] toTwo = sent.stream()
                .filter(e -> e.getKey() == 2)
                .findFirst()
                .orElseThrow()
                .getValue();
        assertThat(framesOf(toTwo)).extracting(f -> (int) f[0]).containsExactly(1, 3);
        byte[] toThree = sent.stream()
                .filter(e -> e.getKey() == 3)
                .findFirst()
                .orElseThrow()
                .getValue();
        assertThat(toThree).isEqualTo(frame(2, 10)); // a lone frame goes as it is, not as a batch of one

        sent.clear();
        outbox.flush();
        assertThat(sent).as("a second flush sends nothing again").isEmpty();
    }

    @Test
    void aBatchNeverExceedsTheLimit() {
        int limit = FrameBatch.EMPTY_BYTES + 2 * (FrameBatch.PER_FRAME_BYTES + 100);
        Outbox outbox = outbox(limit);
        for (int i = 1; i <= 5; i++) {
            outbox.enqueue(7, frame(i, 100));
        }
        outbox.flush();

        List<Integer> order = new ArrayList<>();
        for (Map.Entry<Integer, byte[]> e : sent) {
            assertThat(e.getValue().length).isLessThanOrEqualTo(limit);
            framesOf(e.getValue()).forEach(f -> order.add((int) f[0]));
        }
        assertThat(sent).hasSize(3);
        assertThat(order).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void aFrameLargerThanTheLimitStillGoesAlone() {
        Outbox outbox = outbox(50);
        outbox.enqueue(1, frame(1, 10));
        outbox.enqueue(1, frame(2, 200));
        outbox.flush();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).getValue()).isEqualTo(frame(2, 200));
    }
}
