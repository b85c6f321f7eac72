package io.coordinator.server.ops;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A task the app runs on a daemon thread of its own, at a fixed rate, from its start to its stop (Spring's
 * {@link SmartLifecycle} in the given phase). Subclasses say what one run does and whether this server needs
 * the task at all.
 */
public abstract class PeriodicTask implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final String threadName;
    private final Duration firstAfter;
    private final Duration every;
    private final int phase;
    private ScheduledExecutorService timer;

    protected PeriodicTask(String threadName, Duration firstAfter, Duration every, int phase) {
        this.threadName = threadName;
        this.firstAfter = firstAfter;
        this.every = every;
        this.phase = phase;
    }

    /** At start, before the first run: one-time setup; false when this server has no use for the task. */
    protected boolean starting() {
        return true;
    }

    /** One run, on the task's thread; the subclass handles what it expects to fail (e.g. a server stopping). */
    protected abstract void runOnce();

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            // an escaped exception would end the schedule: log it and run again next time
            log.warn("{}: one run failed; the next runs in {}", threadName, every, e);
        }
    }

    @Override
    public final synchronized void start() {
        if (timer != null || !starting()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::runSafely, firstAfter.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public final synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public final synchronized boolean isRunning() {
        return timer != null;
    }

    @Override
    public final int getPhase() {
        return phase;
    }
}
