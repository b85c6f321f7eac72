package io.coordinator.spring.config;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Re-binds the JavaBean-style {@code @ConfigurationProperties} beans whose prefix covers a changed key, keeping
 * the instance other beans hold. The new values are bound into a fresh instance (so a key that disappeared
 * falls back to the next property source or to the field's default, as at startup) and then copied into the
 * live one. Constructor-bound (immutable) beans cannot be updated: see {@link #frozen()}.
 */
public class ConfigurationPropertiesRebinder {
    private static final Log log = LogFactory.getLog(ConfigurationPropertiesRebinder.class);

    private final ApplicationContext context;
    private final ConfigurableEnvironment environment;

    public ConfigurationPropertiesRebinder(ApplicationContext context, ConfigurableEnvironment environment) {
        this.context = context;
        this.environment = environment;
    }

    static String prefix(ConfigurationPropertiesBean bean) {
        String prefix = bean.getAnnotation().prefix();
        return prefix.isEmpty() ? bean.getAnnotation().value() : prefix;
    }

    static boolean covers(String prefix, String key) {
        ConfigurationPropertyName name = ConfigurationPropertyName.of(prefix);
        ConfigurationPropertyName k = ConfigurationPropertyName.adapt(key, '.');
        return k != null && (name.isAncestorOf(k) || name.equals(k));
    }

    /** The constructor-bound beans: they keep the values they were created with. */
    public List<FrozenBinding> frozen() {
        List<FrozenBinding> out = new ArrayList<>();
        for (ConfigurationPropertiesBean bean :
                ConfigurationPropertiesBean.getAll(context).values()) {
            if (bean.asBindTarget().getValue() == null) {
                String prefix = prefix(bean);
                out.add(new FrozenBinding(
                        bean.getName(),
                        "constructor binding",
                        "@ConfigurationProperties(\"" + prefix + "\")",
                        key -> covers(prefix, key)));
            }
        }
        return out;
    }

    public List<String> rebind(Set<String> changedKeys) {
        List<String> rebound = new ArrayList<>();
        Map<String, ConfigurationPropertiesBean> all = ConfigurationPropertiesBean.getAll(context);
        Binder binder = Binder.get(environment);
        for (ConfigurationPropertiesBean bean : all.values()) {
            String prefix = prefix(bean);
            if (changedKeys.stream().noneMatch(k -> covers(prefix, k))) {
                continue;
            }
            Bindable<?> target = bean.asBindTarget();
            if (target.getValue() == null) {
                continue; // constructor-bound: reported by the watcher
            }
            try {
                Object instance = bean.getInstance();
                if (AopUtils.isAopProxy(instance) && instance instanceof Advised advised) {
                    instance = advised.getTargetSource().getTarget();
                }
                Object fresh =
                        madeByFactoryMethod(bean.getName()) ? null : newInstance(ClassUtils.getUserClass(instance));
                if (fresh == null) {
                    // made by a @Bean method or no default constructor: its defaults are unknown, so bind in
                    // place (a removed key keeps its last value)
                    bind(binder, prefix, instance, target);
                } else {
                    bind(binder, prefix, fresh, target);
                    copyProperties(fresh, instance, 0);
                }
                rebound.add(bean.getName());
            } catch (Exception e) {
                log.warn("Could not re-bind " + bean.getName() + ": " + e.getMessage());
            }
        }
        return rebound;
    }

    private boolean madeByFactoryMethod(String name) {
        if (context instanceof ConfigurableApplicationContext c
                && c.getBeanFactory().containsBeanDefinition(name)) {
            return c.getBeanFactory().getMergedBeanDefinition(name).getFactoryMethodName() != null;
        }
        return false;
    }

    private static Object newInstance(Class<?> type) {
        try {
            Constructor<?> ctor = type.getDeclaredConstructor();
            return BeanUtils.instantiateClass(ctor);
        } catch (NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Copies the fields backing JavaBean properties from a freshly bound object into the live one: plain fields
     * are assigned; final collections and maps (bound through their getter) are refilled; final nested objects
     * are copied into recursively.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void copyProperties(Object from, Object to, int depth) {
        if (depth > 16) {
            return;
        }
        Set<String> properties = new HashSet<>();
        for (PropertyDescriptor pd : BeanUtils.getPropertyDescriptors(from.getClass())) {
            properties.add(pd.getName());
        }
        for (Class<?> c = from.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic() || !properties.contains(f.getName())) {
                    continue;
                }
                ReflectionUtils.makeAccessible(f);
                Object value = ReflectionUtils.getField(f, from);
                Object current = ReflectionUtils.getField(f, to);
                if (!Modifier.isFinal(f.getModifiers())) {
                    ReflectionUtils.setField(f, to, value);
                } else if (current instanceof Collection cur && value instanceof Collection v && cur != v) {
                    cur.clear();
                    cur.addAll(v);
                } else if (current instanceof Map cur && value instanceof Map v && cur != v) {
                    cur.clear();
                    cur.putAll(v);
                } else if (current != null
                        && value != null
                        && current != value
                        && !BeanUtils.isSimpleValueType(current.getClass())) {
                    copyProperties(value, current, depth + 1);
                }
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void bind(Binder binder, String prefix, Object instance, Bindable<?> target) {
        Bindable b = Bindable.ofInstance(instance).withAnnotations(target.getAnnotations());
        binder.bind(prefix, b);
    }
}
