package io.coordinator.spring.leader;

import io.coordinator.spring.lock.AnnotatedMethodInterceptor;
import io.coordinator.spring.lock.DistributedLockInterceptorSupport;
import java.lang.reflect.Method;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.beans.factory.ObjectProvider;

/** Applies {@link LeaderOnly}. */
public class LeaderOnlyInterceptor extends AnnotatedMethodInterceptor<LeaderOnly> {
    private final ObjectProvider<Leadership> leadership;

    public LeaderOnlyInterceptor(ObjectProvider<Leadership> leadership) {
        super(LeaderOnly.class);
        this.leadership = leadership;
    }

    @Override
    protected Object invoke(MethodInvocation invocation, Method specific, LeaderOnly ann) throws Throwable {
        if (leadership.getObject().isLeader(ann.value())) {
            return invocation.proceed();
        }
        if (ann.whenNotLeader() == LeaderOnly.WhenNotLeader.THROW) {
            throw new NotLeaderException("not the leader of '" + ann.value() + "': " + specific);
        }
        return DistributedLockInterceptorSupport.skipped(invocation.getMethod().getReturnType());
    }
}
