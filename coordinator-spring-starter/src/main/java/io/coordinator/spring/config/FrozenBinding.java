package io.coordinator.spring.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A binding that cannot be refreshed in place: a {@code @Value} constructor or {@code @Bean} method parameter,
 * or a constructor-bound (immutable, e.g. record) {@code @ConfigurationProperties} bean. Its value was fixed when
 * the bean was created; a later change of a property it uses reaches the Environment, not the bean.
 */
public record FrozenBinding(String bean, String member, String source, Predicate<String> dependsOn) {

    /** For logs and the actuator endpoint; {@code coordinatorKeys} = keys it uses that come from Coordinator. */
    public Map<String, Object> describe(Set<String> coordinatorKeys) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bean", bean);
        m.put("member", member);
        m.put("source", source);
        m.put("coordinatorKeys", new TreeSet<>(coordinatorKeys));
        return m;
    }

    @Override
    public String toString() {
        return bean + " " + member + " (" + source + ")";
    }
}
