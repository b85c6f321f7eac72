package io.coordinator.server.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Quorum frames per peer, in order, until {@link #flush}: one write (and one flush) per peer per burst. A batch
 * never exceeds the frame limit: a frame that would overflow it first sends what is queued. Pipeline thread only.
 */
final class Outbox {
    private final int maxBatchBytes;
    private final BiConsumer<Integer, byte[]> send;
    private final Map<Integer, List<byte[]>> frames = new HashMap<>();
    private final Map<Integer, Integer> bytes = new HashMap<>();

    /** @param send gets each peer's encoded {@link FrameBatch} */
    Outbox(int maxBatchBytes, BiConsumer<Integer, byte[]> send) {
        this.maxBatchBytes = maxBatchBytes;
        this.send = send;
    }

    void enqueue(int to, byte[] frame) {
        List<byte[]> queued = frames.computeIfAbsent(to, k -> new ArrayList<>());
        int size = bytes.getOrDefault(to, FrameBatch.EMPTY_BYTES);
        int added = FrameBatch.PER_FRAME_BYTES + frame.length;
        if (!queued.isEmpty() && size + added > maxBatchBytes) {
            send(to, queued, size);
            size = FrameBatch.EMPTY_BYTES;
        }
        queued.add(frame);
        bytes.put(to, size + added);
    }

    void flush() {
        for (Map.Entry<Integer, List<byte[]>> e : frames.entrySet()) {
            if (!e.getValue().isEmpty()) {
                send(e.getKey(), e.getValue(), bytes.get(e.getKey()));
            }
        }
    }

    private void send(int to, List<byte[]> queued, int size) {
        send.accept(to, FrameBatch.encode(queued, size));
        queued.clear();
        bytes.put(to, FrameBatch.EMPTY_BYTES);
    }
}
