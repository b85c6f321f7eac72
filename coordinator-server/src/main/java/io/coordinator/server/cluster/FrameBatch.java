package io.coordinator.server.cluster;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Several quorum frames to one peer sent as one: {@link ForwardedMessage#TAG_BATCH}, then each frame as
 * [int length][frame]. One write, one flush and one pipeline task on the receiver instead of one per message.
 */
final class FrameBatch {
    /** Bytes a batch of no frames takes (the tag). */
    static final int EMPTY_BYTES = 1;
    /** Bytes a frame adds to a batch besides its own. */
    static final int PER_FRAME_BYTES = 4;

    private FrameBatch() {}

    /** One frame as is; several as a batch of {@code bytes} bytes (as counted with the constants above). */
    static byte[] encode(List<byte[]> frames, int bytes) {
        if (frames.size() == 1) {
            return frames.get(0);
        }
        ByteBuffer batch = ByteBuffer.allocate(bytes);
        batch.put(ForwardedMessage.TAG_BATCH);
        for (byte[] f : frames) {
            batch.putInt(f.length).put(f);
        }
        return batch.array();
    }

    /**
     * The frames of a batch (without its tag byte checked again). A bad length ends the batch: the frames before
     * it are kept, as the sender could have sent them one by one. Empty or nested batches are dropped.
     *
     * @return the frames, and whether all of the batch was well formed
     */
    static List<byte[]> decode(byte[] batch, Runnable onMalformed) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(batch, 1, batch.length - 1);
        while (in.hasRemaining()) {
            if (in.remaining() < 4) {
                onMalformed.run();
                break;
            }
            int len = in.getInt();
            if (len <= 0 || len > in.remaining()) {
                onMalformed.run();
                break;
            }
            byte[] frame = new byte[len];
            in.get(frame);
            if (frame[0] == ForwardedMessage.TAG_BATCH) {
                onMalformed.run();
                continue;
            }
            out.add(frame);
        }
        return out;
    }
}
