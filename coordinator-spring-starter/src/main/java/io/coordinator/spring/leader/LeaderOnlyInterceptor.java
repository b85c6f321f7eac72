package io.coordinator.spring.leader;

import io.coordinator.spring.lock.DistributedLockInterceptorSupport;
import java.lang.reflect.Method;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;

/** Applies {@link LeaderOnly}. */
public class LeaderOnlyInterceptor implements MethodInterceptor {
    private final ObjectProvider<Leadership> leadership;

    public LeaderOnlyInterceptor(ObjectProvider<Leadership> leadership) {
        this.leadership = leadership;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Method specific = DistributedLockInterceptorSupport.specificMethod(invocation);
        LeaderOnly ann = AnnotatedElementUtils.findMergedAnnotation(specific, LeaderOnly.class);
        if (ann == null) {
            return invocation.proceed();
        }
        if (leadership.getObject().isLeader(ann.value())) {
            return invocation.proceed();
        }
        if (ann.whenNotLeader() == LeaderOnly.WhenNotLeader.THROW) {
            throw new NotLeaderException("not the leader of '" + ann.value() + "': " + specific);
        }
        return DistributedLockInterceptorSupport.skipped(invocation.getMethod().getReturnType());
    }
}
