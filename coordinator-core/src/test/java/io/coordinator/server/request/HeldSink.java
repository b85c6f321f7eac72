package io.coordinator.server.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.TxnRecord;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A txn sink whose records become durable when the test says so. Not holding (the default), every record
 * is durable at once; while holding, records wait until released one by one, in order.
 */
final class HeldSink implements TxnSink {
    record Held(TxnRecord record, Runnable onDurable) {
        void release() {
            onDurable.run();
        }
    }

    final List<TxnRecord> appended = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Held> held = new LinkedBlockingQueue<>();
    private boolean holding;

    @Override
    public void append(TxnRecord record, Runnable onDurable) {
        appended.add(record);
        synchronized (this) {
            if (holding) {
                held.add(new Held(record, onDurable));
                return;
            }
            onDurable.run();
        }
    }

    synchronized void hold() {
        holding = true;
    }

    /** The next held record, waiting for it to be appended. */
    Held next() {
        try {
            Held h = held.poll(10, TimeUnit.SECONDS);
            assertThat(h).as("a held txn").isNotNull();
            return h;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Releases everything held, in order, and stops holding. */
    synchronized void releaseAll() {
        holding = false;
        Held h;
        while ((h = held.poll()) != null) {
            h.release();
        }
    }
}
