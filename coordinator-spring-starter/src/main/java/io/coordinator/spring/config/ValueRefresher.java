package io.coordinator.spring.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanExpressionContext;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Remembers every {@code @Value} field and single-argument setter of singleton beans and re-injects those whose
 * expression depends on a changed key (placeholders, placeholders nested in other values, SpEL around them).
 * No {@code @RefreshScope}: the same bean instance is updated, so {@code @Scheduled} beans keep working.
 * Constructor and {@code @Bean} method parameters cannot be re-injected: they are listed by {@link #frozen()}
 * (use a field, a setter or JavaBean {@code @ConfigurationProperties} for values that must follow changes).
 */
public class ValueRefresher implements BeanPostProcessor, BeanFactoryAware, EnvironmentAware {
    private static final Log log = LogFactory.getLog(ValueRefresher.class);

    private final List<Target> targets = new CopyOnWriteArrayList<>();
    private final List<FrozenBinding> frozen = new CopyOnWriteArrayList<>();
    private ConfigurableListableBeanFactory beanFactory;
    private ConfigurableEnvironment environment;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = (ConfigurableEnvironment) environment;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
        if (beanFactory == null
                || !beanFactory.containsBeanDefinition(beanName)
                || !beanFactory.getBeanDefinition(beanName).isSingleton()) {
            return bean;
        }
        Class<?> type = bean.getClass();
        recordFrozenParameters(beanName, ClassUtils.getUserClass(type));
        ReflectionUtils.doWithFields(type, field -> {
            Value v = AnnotatedElementUtils.findMergedAnnotation(field, Value.class);
            if (v != null && !Modifier.isStatic(field.getModifiers()) && !Modifier.isFinal(field.getModifiers())) {
                ReflectionUtils.makeAccessible(field);
                targets.add(
                        new Target(bean, beanName, field, null, v.value(), PlaceholderKeys.of(v.value(), environment)));
            }
        });
        ReflectionUtils.doWithMethods(type, method -> {
            Value v = AnnotatedElementUtils.findMergedAnnotation(method, Value.class);
            if (v != null && method.getParameterCount() == 1 && !Modifier.isStatic(method.getModifiers())) {
                ReflectionUtils.makeAccessible(method);
                targets.add(new Target(
                        bean, beanName, null, method, v.value(), PlaceholderKeys.of(v.value(), environment)));
            }
        });
        return bean;
    }

    /**
     * The @Value parameters of the constructor (or @Bean method) this singleton was created with: their values
     * are fixed for the bean's life.
     */
    private void recordFrozenParameters(String beanName, Class<?> type) {
        Executable creator = null;
        BeanDefinition bd = beanFactory.getMergedBeanDefinition(beanName);
        if (bd instanceof RootBeanDefinition rbd && rbd.getResolvedFactoryMethod() != null) {
            creator = rbd.getResolvedFactoryMethod();
        } else if (bd.getFactoryMethodName() == null) {
            Constructor<?>[] ctors = type.getDeclaredConstructors();
            if (ctors.length == 1) {
                creator = ctors[0];
            } else {
                for (Constructor<?> c : ctors) {
                    if (AnnotatedElementUtils.hasAnnotation(c, Autowired.class)) {
                        creator = c;
                    }
                }
            }
        }
        if (creator == null) {
            return;
        }
        Parameter[] params = creator.getParameters();
        for (int i = 0; i < params.length; i++) {
            Value v = AnnotatedElementUtils.findMergedAnnotation(params[i], Value.class);
            if (v != null) {
                String expression = v.value();
                String member = (creator instanceof Method m ? "@Bean method " + m.getName() + "(..) " : "constructor ")
                        + "parameter " + (params[i].isNamePresent() ? params[i].getName() : "#" + i);
                frozen.add(new FrozenBinding(
                        beanName,
                        member,
                        "@Value(\"" + expression + "\")",
                        key -> PlaceholderKeys.of(expression, environment).contains(key)));
            }
        }
    }

    /** @Value constructor and @Bean method parameters of singletons: injected once, never refreshed. */
    public List<FrozenBinding> frozen() {
        return List.copyOf(frozen);
    }

    /** Re-injects the members that depend on one of the keys; returns "bean.member" of those updated. */
    public List<String> refresh(Set<String> changedKeys) {
        List<String> updated = new ArrayList<>();
        for (Target t : targets) {
            Set<String> deps = new LinkedHashSet<>(t.keys);
            deps.addAll(PlaceholderKeys.of(t.expression, environment));
            if (deps.stream().noneMatch(changedKeys::contains)) {
                continue;
            }
            t.keys = PlaceholderKeys.of(t.expression, environment);
            try {
                if (t.inject(beanFactory)) {
                    updated.add(t.beanName + "." + (t.field != null ? t.field.getName() : t.method.getName() + "()"));
                }
            } catch (RuntimeException e) {
                log.warn("Could not re-inject @Value(\"" + t.expression + "\") into " + t.beanName + ": "
                        + e.getMessage());
            }
        }
        return updated;
    }

    /** What is tracked, for the actuator endpoint: bean.member -> keys. */
    public Map<String, Set<String>> describe() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (Target t : targets) {
            out.put(t.beanName + "." + (t.field != null ? t.field.getName() : t.method.getName() + "()"), t.keys);
        }
        return out;
    }

    private static final class Target {
        final Object bean;
        final String beanName;
        final Field field;
        final Method method;
        final String expression;
        volatile Set<String> keys;

        Target(Object bean, String beanName, Field field, Method method, String expression, Set<String> keys) {
            this.bean = bean;
            this.beanName = beanName;
            this.field = field;
            this.method = method;
            this.expression = expression;
            this.keys = keys;
        }

        boolean inject(ConfigurableListableBeanFactory bf) {
            Object value = bf.resolveEmbeddedValue(expression);
            if (bf.getBeanExpressionResolver() != null) {
                value = bf.getBeanExpressionResolver().evaluate((String) value, new BeanExpressionContext(bf, null));
            }
            if (field != null) {
                Object converted = bf.getTypeConverter().convertIfNecessary(value, field.getType(), field);
                Object current = ReflectionUtils.getField(field, bean);
                if (Objects.equals(current, converted)) {
                    return false;
                }
                ReflectionUtils.setField(field, bean, converted);
            } else {
                Object converted = bf.getTypeConverter()
                        .convertIfNecessary(value, method.getParameterTypes()[0], new MethodParameter(method, 0));
                ReflectionUtils.invokeMethod(method, bean, converted);
            }
            return true;
        }
    }
}
