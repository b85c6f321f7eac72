package io.coordinator.spring.lock;

import java.lang.reflect.Method;
import java.util.Optional;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;

/** What the lock and leader interceptors share: the method whose annotation applies, and what a skipped call returns. */
public final class DistributedLockInterceptorSupport {
    private DistributedLockInterceptorSupport() {}

    /** The method called as the target's class declares it (where its annotations are); without a target, as called. */
    public static Method specificMethod(MethodInvocation invocation) {
        Method method = invocation.getMethod();
        Object target = invocation.getThis();
        return target == null ? method : AopUtils.getMostSpecificMethod(method, target.getClass());
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
