package io.coordinator.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A bounded CPU load for the {@code restart} workload of {@link SideBySide}: {@code THREADS} threads spin
 * for at most {@code SECONDS}, then the JVM exits by itself (the runner kills it earlier, right after the
 * measurement). Prints {@code burning} once every thread is spinning, which the runner waits for.
 *
 * <pre>java -cp BENCH_CLASSPATH CpuBurn THREADS SECONDS</pre>
 */
public final class CpuBurn {

    /** Keeps the JIT from removing the loop. */
    static volatile long sink;

    public static void main(String[] args) throws InterruptedException {
        int threads = Integer.parseInt(args[0]);
        int seconds = Math.min(600, Integer.parseInt(args[1]));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch spinning = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(
                    () -> {
                        spinning.countDown();
                        long x = 0;
                        while (System.nanoTime() < end) {
                            for (int j = 0; j < 10_000; j++) {
                                x = x * 6364136223846793005L + 1442695040888963407L;
                            }
                        }
                        sink = x;
                    },
                    "burn-" + i);
            t.start();
        }
        spinning.await();
        System.out.println("burning " + threads + " threads for at most " + seconds + " s");
        System.out.flush();
    }
}
