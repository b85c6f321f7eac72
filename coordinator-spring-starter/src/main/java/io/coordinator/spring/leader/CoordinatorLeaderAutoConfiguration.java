package io.coordinator.spring.leader;

import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
import io.coordinator.spring.autoconfigure.CoordinatorClientProperties;
import io.coordinator.spring.autoconfigure.CoordinatorIdentity;
import io.coordinator.spring.autoconfigure.CoordinatorProxyRegistrar;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/** {@code @LeaderOnly} and the {@link Leadership} API. */
@AutoConfiguration(after = CoordinatorClientAutoConfiguration.class)
@ConditionalOnBean(CuratorFramework.class)
@ConditionalOnBooleanProperty(prefix = "coordinator.client.leader", name = "enabled", matchIfMissing = true)
@Import(CoordinatorProxyRegistrar.class)
public final class CoordinatorLeaderAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Leadership leadership(
            CuratorFramework client,
            CoordinatorClientProperties properties,
            CoordinatorIdentity identity,
            ApplicationEventPublisher publisher) {
        return new Leadership(client, properties.leader().root(), identity.instanceId(), publisher);
    }

    @Bean
    @ConditionalOnMissingBean(name = "leaderOnlyAdvisor")
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor leaderOnlyAdvisor(ObjectProvider<Leadership> leadership) {
        DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(
                new AnnotationMatchingPointcut(null, LeaderOnly.class, true), new LeaderOnlyInterceptor(leadership));
        advisor.setOrder(-1); // outside @DistributedLock: a non-leader does not even try the lock
        return advisor;
    }

    /** Joins every group named by a @LeaderOnly method once the singletons exist, so elections start early. */
    @Bean
    static SmartInitializingSingleton leaderGroupsJoiner(
            ConfigurableListableBeanFactory beanFactory, ObjectProvider<Leadership> leadership) {
        return () -> {
            for (String name : beanFactory.getBeanDefinitionNames()) {
                Class<?> type;
                try {
                    type = beanFactory.getType(name, false);
                } catch (RuntimeException e) {
                    continue;
                }
                if (type == null) {
                    continue;
                }
                ReflectionUtils.doWithMethods(ClassUtils.getUserClass(type), m -> {
                    LeaderOnly ann = AnnotatedElementUtils.findMergedAnnotation(m, LeaderOnly.class);
                    if (ann != null) {
                        leadership.getObject().join(ann.value());
                    }
                });
            }
        };
    }
}
