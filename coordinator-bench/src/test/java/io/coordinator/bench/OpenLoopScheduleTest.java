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
import org.junit.jupiter.api.Test;

/** The open-loop schedule: sends at fixed times, and a full client cap never moves the times latency counts from. */
class OpenLoopScheduleTest {

    @Test
    void eachClientSendsItsShareOnAFixedScheduleOffsetFromTheOthers() throws Exception {
        Params p = new Params(4, 1, 50, 100, 1, 2_000); // 2,000/s over 4 clients: one send per 2 ms each
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(100);
        Semaphore inFlight = new Semaphore(p.outstanding());
        List<Long> scheduled = new CopyOnWriteArrayList<>();
        AtomicLong capped = new AtomicLong();
        AtomicLong errors = new AtomicLong();

        LoadGenerator.sendOnSchedule(
                p,
                1,
                start,
                end,
                inFlight,
                t -> {
                    scheduled.add(t);
                    inFlight.release();
                },
                capped,
                errors);

        // client 1 of 4 starts a quarter interval (0.5 ms) in, then every 2 ms: 50 sends within 100 ms
        assertThat(scheduled).hasSize(50);
        for (int k = 0; k < scheduled.size(); k++) {
            assertThat(scheduled.get(k) - start).isEqualTo(500_000L + k * 2_000_000L);
        }
        assertThat(capped.get()).isZero();
        assertThat(errors.get()).isZero();
    }

    @Test
    void aSlowServerDelaysSendsButTheirLatencyStillCountsFromTheSchedule() throws Exception {
        Params p = new Params(1, 1, 1, 100, 1, 1_000); // one in flight at most, one send per ms
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(40);
        Semaphore inFlight = new Semaphore(p.outstanding());
        List<Long> scheduled = new CopyOnWriteArrayList<>();
        List<Long> sentAt = new CopyOnWriteArrayList<>();
        AtomicLong capped = new AtomicLong();
        ScheduledExecutorService server = Executors.newSingleThreadScheduledExecutor();
        try {
            // each reply takes 5 ms: the cap of one is full whenever the next send is due
            LoadGenerator.sendOnSchedule(
                    p,
                    0,
                    start,
                    end,
                    inFlight,
                    t -> {
                        scheduled.add(t);
                        sentAt.add(System.nanoTime());
                        server.schedule((Runnable) inFlight::release, 5, TimeUnit.MILLISECONDS);
                    },
                    capped,
                    new AtomicLong());
        } finally {
            server.shutdownNow();
        }

        // every due send went out, each with its own scheduled time (not the time it finally left)
        assertThat(scheduled).hasSize(40);
        for (int k = 0; k < scheduled.size(); k++) {
            assertThat(scheduled.get(k) - start).isEqualTo(k * 1_000_000L);
        }
        assertThat(capped.get()).isPositive();
        // the late ones left well after their schedule: a closed loop would have hidden that wait
        int last = sentAt.size() - 1;
        assertThat(sentAt.get(last) - scheduled.get(last)).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(50));
    }
}
