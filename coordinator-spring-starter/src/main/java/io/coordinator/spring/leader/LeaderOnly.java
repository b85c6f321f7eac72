package io.coordinator.spring.leader;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the method only on the current leader of the group; other instances skip the call (or throw).
 * Leadership is a Curator LeaderLatch under {@code /leaders/<group>}, considered lost as soon as the connection
 * is SUSPENDED or LOST and regained only after the reconnected latch confirms it. Works on {@code @Scheduled}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LeaderOnly {
    /** The leadership group (instances in one group elect one leader). */
    String value();

    /** What happens on an instance that is not the leader. */
    WhenNotLeader whenNotLeader() default WhenNotLeader.SKIP;

    enum WhenNotLeader {
        /** Return null (or the primitive default, or Optional.empty()). */
        SKIP,
        /** Throw {@link NotLeaderException}. */
        THROW
    }
}
