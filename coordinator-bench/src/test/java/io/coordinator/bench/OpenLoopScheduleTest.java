package io.coordinator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.bench.LoadGenerator.Params;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/** The open-loop schedule: sends at fixed times, and a full client cap never moves the times latency counts from. */
class OpenLoopScheduleTest {

    /** One client's schedule from now for {@code millis}, noting the scheduled time of every send it makes. */
    private static final class Schedule {
        final Params p;
        final long start = System.nanoTime();
        final long end;
        final Semaphore inFlight;
        final List<Long> scheduled = new CopyOnWriteArrayList<>();
        final AtomicLong capped = new AtomicLong();
        final AtomicLong errors = new AtomicLong();

        Schedule(Params p, int millis) {
            this.p = p;
            this.end = start + TimeUnit.MILLISECONDS.toNanos(millis);
            this.inFlight = new Semaphore(p.outstanding());
        }

        /** Runs the schedule of client {@code client}; {@code send} sends the request scheduled at its argument. */
        void run(int client, LongConsumer send) throws InterruptedException {
            LoadGenerator.sendOnSchedule(
                    p,
                    client,
                    start,
                    end,
                    inFlight,
                    t -> {
                        scheduled.add(t);
                        send.accept(t);
                    },
                    capped,
                    errors);
        }
    }

    @Test
    void eachClientSendsItsShareOnAFixedScheduleOffsetFromTheOthers() throws Exception {
        // 2,000/s over 4 clients: one send per 2 ms each
        Schedule s = new Schedule(new Params(4, 1, 50, 100, 1, 2_000), 100);

        s.run(1, t -> s.inFlight.release());

        // client 1 of 4 starts a quarter interval (0.5 ms) in, then every 2 ms: 50 sends within 100 ms
        assertThat(s.scheduled).hasSize(50);
        for (int k = 0; k < s.scheduled.size(); k++) {
            assertThat(s.scheduled.get(k) - s.start).isEqualTo(500_000L + k * 2_000_000L);
        }
        assertThat(s.capped.get()).isZero();
        assertThat(s.errors.get()).isZero();
    }

    @Test
    void aSlowServerDelaysSendsButTheirLatencyStillCountsFromTheSchedule() throws Exception {
        // one in flight at most, one send per ms
        Schedule s = new Schedule(new Params(1, 1, 1, 100, 1, 1_000), 40);
        List<Long> sentAt = new CopyOnWriteArrayList<>();
        ScheduledExecutorService server = Executors.newSingleThreadScheduledExecutor();
        try {
            // each reply takes 5 ms: the cap of one is full whenever the next send is due
            s.run(0, t -> {
                sentAt.add(System.nanoTime());
                server.schedule((Runnable) s.inFlight::release, 5, TimeUnit.MILLISECONDS);
            });
        } finally {
            server.shutdownNow();
        }

        // every due send went out, each with its own scheduled time (not the time it finally left)
        assertThat(s.scheduled).hasSize(40);
        for (int k = 0; k < s.scheduled.size(); k++) {
            assertThat(s.scheduled.get(k) - s.start).isEqualTo(k * 1_000_000L);
        }
        assertThat(s.capped.get()).isPositive();
        // the late ones left well after their schedule: a closed loop would have hidden that wait
        int last = sentAt.size() - 1;
        assertThat(sentAt.get(last) - s.scheduled.get(last)).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(50));
    }
}
