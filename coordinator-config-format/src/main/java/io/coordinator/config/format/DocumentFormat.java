package io.coordinator.config.format;

import java.util.Locale;
import java.util.Map;

/**
 * The two kinds of configuration document and which nodes hold one. A child of the context node whose name ends
 * in {@code .properties} is a .properties document; {@code .yaml}, {@code .yml} or {@code .json} a YAML document
 * (JSON is read as YAML). The context node's own data is a document too, of the kind its text looks like.
 */
public enum DocumentFormat {
    PROPERTIES {
        @Override
        public Map<String, String> parse(byte[] data) throws DocumentException {
            return PropertiesDocument.parse(data);
        }
    },
    YAML {
        @Override
        public Map<String, String> parse(byte[] data) throws DocumentException {
            return YamlDocument.parse(data);
        }
    };

    /**
     * The document's properties, flattened as Spring Boot flattens application.properties / application.yaml
     * ({@code a.b[0].c}); where a key stands twice, the later value wins.
     */
    public abstract Map<String, String> parse(byte[] data) throws DocumentException;

    /** The format of a context child called {@code name}, or null when that child is a single property. */
    public static DocumentFormat ofChild(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".properties")) {
            return PROPERTIES;
        }
        return lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json") ? YAML : null;
    }

    /** Whether a context child called {@code name} holds a document (so it cannot be a property's name). */
    public static boolean isDocument(String name) {
        return ofChild(name) != null;
    }

    /**
     * The format of the context node's own data: YAML when its first line that is not a comment is {@code ---}
     * or has a ':' before any '=', else .properties.
     */
    public static DocumentFormat ofContextData(String text) {
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("!")) {
                continue;
            }
            if (t.equals("---")) {
                return YAML;
            }
            int colon = t.indexOf(':');
            int eq = t.indexOf('=');
            return colon > 0 && (eq < 0 || colon < eq) ? YAML : PROPERTIES;
        }
        return PROPERTIES;
    }
}
