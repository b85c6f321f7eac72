package io.coordinator.spring.lock;

import java.lang.reflect.Method;
import java.time.Duration;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/** Applies {@link DistributedLock}. */
public class DistributedLockInterceptor extends AnnotatedMethodInterceptor<DistributedLock> {
    private static final ExpressionParser PARSER = new SpelExpressionParser();
    private static final DefaultParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    private final ObjectProvider<DistributedLocks> locks;

    public DistributedLockInterceptor(ObjectProvider<DistributedLocks> locks) {
        super(DistributedLock.class);
        this.locks = locks;
    }

    @Override
    protected Object invoke(MethodInvocation invocation, Method specific, DistributedLock ann) throws Throwable {
        MethodBasedEvaluationContext ctx =
                new MethodBasedEvaluationContext(invocation.getThis(), specific, invocation.getArguments(), NAMES);
        Object keyValue = PARSER.parseExpression(ann.key()).getValue(ctx);
        if (keyValue == null) {
            throw new IllegalArgumentException(
                    "@DistributedLock key '" + ann.key() + "' evaluated to null on " + specific);
        }
        String key = keyValue.toString();
        Duration wait = Duration.ofMillis(ann.timeUnit().toMillis(ann.waitTime()));
        DistributedLocks registry = locks.getObject();
        LockHandle handle = registry.tryAcquire(key, wait);
        if (handle == null) {
            if (ann.onTimeout() == DistributedLock.OnTimeout.SKIP) {
                return DistributedLockInterceptorSupport.skipped(
                        invocation.getMethod().getReturnType());
            }
            throw new LockNotAcquiredException("lock '" + key + "' not acquired within " + wait + " for " + specific);
        }
        try {
            return invocation.proceed();
        } finally {
            registry.release(handle);
        }
    }
}
