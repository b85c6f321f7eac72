package io.coordinator.spring.lock;

import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
import io.coordinator.spring.autoconfigure.CoordinatorClientProperties;
import io.coordinator.spring.autoconfigure.CoordinatorProxyRegistrar;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;

/** {@code @DistributedLock} and the {@link DistributedLocks} API. */
@AutoConfiguration(after = CoordinatorClientAutoConfiguration.class)
@ConditionalOnBean(CuratorFramework.class)
@ConditionalOnBooleanProperty(prefix = "coordinator.client.lock", name = "enabled", matchIfMissing = true)
@Import(CoordinatorProxyRegistrar.class)
public final class CoordinatorLockAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DistributedLocks distributedLocks(CuratorFramework client, CoordinatorClientProperties properties) {
        return new DistributedLocks(client, properties.lock().root());
    }

    @Bean
    @ConditionalOnMissingBean(name = "distributedLockAdvisor")
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor distributedLockAdvisor(ObjectProvider<DistributedLocks> locks) {
        DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(
                new AnnotationMatchingPointcut(null, DistributedLock.class, true),
                new DistributedLockInterceptor(locks));
        advisor.setOrder(0);
        return advisor;
    }
}
