package io.coordinator.spring.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.framework.Advised;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Re-binds the JavaBean-style {@code @ConfigurationProperties} beans whose prefix covers a changed key, in place
 * (same instance). Constructor-bound (immutable) beans are reported and left as they are.
 */
public class ConfigurationPropertiesRebinder {
    private static final Log log = LogFactory.getLog(ConfigurationPropertiesRebinder.class);

    private final ApplicationContext context;
    private final ConfigurableEnvironment environment;

    public ConfigurationPropertiesRebinder(ApplicationContext context, ConfigurableEnvironment environment) {
        this.context = context;
        this.environment = environment;
    }

    public List<String> rebind(Set<String> changedKeys) {
        List<String> rebound = new ArrayList<>();
        Map<String, ConfigurationPropertiesBean> all = ConfigurationPropertiesBean.getAll(context);
        Binder binder = Binder.get(environment);
        for (ConfigurationPropertiesBean bean : all.values()) {
            String prefix = bean.getAnnotation().prefix();
            if (prefix.isEmpty()) {
                prefix = bean.getAnnotation().value();
            }
            ConfigurationPropertyName name = ConfigurationPropertyName.of(prefix);
            boolean affected = changedKeys.stream().map(k -> ConfigurationPropertyName.adapt(k, '.'))
                    .anyMatch(k -> k != null && (name.isAncestorOf(k) || name.equals(k)));
            if (!affected) {
                continue;
            }
            Object instance = bean.getInstance();
            try {
                if (AopUtils.isAopProxy(instance) && instance instanceof Advised advised) {
                    instance = advised.getTargetSource().getTarget();
                }
                Bindable<?> target = bean.asBindTarget();
                if (target.getValue() == null) {
                    log.info("@ConfigurationProperties bean " + bean.getName() + " is constructor-bound; not re-bound");
                    continue;
                }
                bind(binder, prefix, instance, target);
                rebound.add(bean.getName());
            } catch (Exception e) {
                log.warn("Could not re-bind " + bean.getName() + ": " + e.getMessage());
            }
        }
        return rebound;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void bind(Binder binder, String prefix, Object instance, Bindable<?> target) {
        Bindable b = Bindable.ofInstance(instance).withAnnotations(target.getAnnotations());
        binder.bind(prefix, b);
    }
}
