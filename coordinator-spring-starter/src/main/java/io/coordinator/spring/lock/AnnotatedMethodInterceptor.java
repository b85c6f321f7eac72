package io.coordinator.spring.lock;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Applies an annotation of the called method (as the target's class declares it); a call to a method without it
 * proceeds untouched. The lock and leader interceptors' common part.
 */
public abstract class AnnotatedMethodInterceptor<A extends Annotation> implements MethodInterceptor {
    private final Class<A> type;

    protected AnnotatedMethodInterceptor(Class<A> type) {
        this.type = type;
    }

    @Override
    public final Object invoke(MethodInvocation invocation) throws Throwable {
        Method specific = DistributedLockInterceptorSupport.specificMethod(invocation);
        A annotation = AnnotatedElementUtils.findMergedAnnotation(specific, type);
        if (annotation == null) {
            return invocation.proceed();
        }
        return invoke(invocation, specific, annotation);
    }

    /** The call to {@code specific}, which carries {@code annotation}. */
    protected abstract Object invoke(MethodInvocation invocation, Method specific, A annotation) throws Throwable;
}
