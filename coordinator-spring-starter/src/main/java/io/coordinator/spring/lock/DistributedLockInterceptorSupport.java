package io.coordinator.spring.lock;

import java.util.Optional;

/** What a skipped call returns. */
public final class DistributedLockInterceptorSupport {
    private DistributedLockInterceptorSupport() {
    }

    /** null, Optional.empty() or the primitive default for the return type. */
    public static Object skipped(Class<?> type) {

        if (type == Optional.class) {
            return Optional.empty();
        }
        if (!type.isPrimitive() || type == void.class) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == char.class) {
            return (char) 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0d;
        }
        if (type == float.class) {
            return 0f;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == short.class) {
            return (short) 0;
        }
        return 0;
    }
}
