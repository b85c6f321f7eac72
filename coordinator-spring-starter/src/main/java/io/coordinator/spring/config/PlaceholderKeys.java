package io.coordinator.spring.config;

import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * The property keys an expression such as {@code "#{'${a:${b}}'.toUpperCase()} ${c}"} depends on: every
 * placeholder key, those in defaults and in keys, and, recursively, those inside the raw values of the keys it
 * uses (a placeholder nested in another property's value).
 */
public final class PlaceholderKeys {
    private PlaceholderKeys() {}

    public static Set<String> of(String expression, ConfigurableEnvironment env) {
        Set<String> out = new LinkedHashSet<>();
        collect(expression, env, out, 0);
        return out;
    }

    private static void collect(String text, ConfigurableEnvironment env, Set<String> out, int depth) {
        if (text == null || depth > 32) {
            return;
        }
        int i = 0;
        while ((i = text.indexOf("${", i)) >= 0) {
            int end = matchingEnd(text, i + 2);
            if (end < 0) {
                return;
            }
            String inner = text.substring(i + 2, end);
            int sep = topLevelColon(inner);
            String keyPart = sep < 0 ? inner : inner.substring(0, sep);
            String dflt = sep < 0 ? null : inner.substring(sep + 1);
            collect(keyPart, env, out, depth + 1); // placeholders inside the key
            String key = keyPart.contains("${") ? env.resolvePlaceholders(keyPart) : keyPart;
            if (out.add(key)) {
                Object raw = rawValue(env, key);
                if (raw instanceof String s) {
                    collect(s, env, out, depth + 1);
                }
            }
            collect(dflt, env, out, depth + 1);
            i = end + 1;
        }
    }

    private static Object rawValue(ConfigurableEnvironment env, String key) {
        for (PropertySource<?> ps : env.getPropertySources()) {
            if (ps.containsProperty(key)) {
                return ps.getProperty(key);
            }
        }
        return null;
    }

    private static int matchingEnd(String s, int from) {
        int depth = 1;
        for (int j = from; j < s.length(); j++) {
            if (s.startsWith("${", j)) {
                depth++;
                j++;
            } else if (s.charAt(j) == '{') {
                depth++;
            } else if (s.charAt(j) == '}') {
                if (--depth == 0) {
                    return j;
                }
            }
        }
        return -1;
    }

    private static int topLevelColon(String s) {
        int depth = 0;
        for (int j = 0; j < s.length(); j++) {
            char c = s.charAt(j);
            if (s.startsWith("${", j)) {
                depth++;
                j++;
            } else if (c == '}') {
                depth--;
            } else if (c == ':' && depth == 0) {
                return j;
            }
        }
        return -1;
    }
}
