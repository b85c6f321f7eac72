package io.coordinator.spring.lock;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;

/**
 * Runs the method while holding a lock shared by every instance: an ephemeral sequential node under
 * {@code /locks/<key>} (Curator's InterProcessMutex), so a crashed holder releases it when its session ends.
 * Reentrant per thread. Inside the method, {@link DistributedLocks#current()} gives the fencing token and
 * tells whether the lock is still held (it is considered lost as soon as the connection is suspended or lost).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface DistributedLock {
    /** SpEL over the method's arguments ({@code #name} or {@code #p0}), e.g. {@code "'stock-' + #sku"}. */
    String key();

    /** How long to wait for the lock; 0 tries once. */
    long waitTime() default 0;

    TimeUnit timeUnit() default TimeUnit.MILLISECONDS;

    /** What happens when the lock is not obtained in time. */
    OnTimeout onTimeout() default OnTimeout.THROW;

    enum OnTimeout {
        /** Throw {@link LockNotAcquiredException}. */
        THROW,
        /** Skip the call: return null (or the primitive default, or Optional.empty()). */
        SKIP
    }
}
