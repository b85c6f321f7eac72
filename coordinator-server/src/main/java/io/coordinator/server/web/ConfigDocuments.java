package io.coordinator.server.web;

import io.coordinator.config.format.DocumentException;
import io.coordinator.config.format.DocumentFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/**
 * A context's properties as a document and back: {@code properties} (ISO-8859-1 with {@code \\u} escapes, as
 * {@link Properties} writes it), {@code yaml} and {@code json}. Parsing is the starter's own (the shared
 * configuration format library), so what is accepted here is what applications read; a document that does not
 * parse is a 400 naming the line and column.
 */
final class ConfigDocuments {
    private ConfigDocuments() {}

    /** The properties of {@code text} in {@code format}; 400 with the line and column where it does not parse. */
    static Map<String, String> parse(String format, String text) {
        DocumentFormat f = format(format);
        if (text == null) {
            throw ApiException.badRequest("the document needs its text");
        }
        byte[] bytes = f == DocumentFormat.PROPERTIES
                ? latin1(text).getBytes(StandardCharsets.ISO_8859_1)
                : text.getBytes(StandardCharsets.UTF_8);
        try {
            return new TreeMap<>(f.parse(bytes));
        } catch (DocumentException e) {
            throw ApiException.badRequest(
                    "the " + format.toLowerCase(Locale.ROOT) + " document does not parse: " + e.getMessage());
        }
    }

    /** {@code properties} as a document of {@code format}, keys sorted. */
    static String write(String format, Map<String, String> properties) {
        Map<String, String> sorted = new TreeMap<>(properties);
        return switch (format(format)) {
            case PROPERTIES -> properties(sorted);
            case YAML -> "json".equalsIgnoreCase(format) ? json(sorted) : yaml(sorted);
        };
    }

    /** The text as a .properties file holds it: characters beyond ISO-8859-1 as {@code \\uXXXX} escapes. */
    private static String latin1(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char ch : text.toCharArray()) {
            if (ch > 0xFF) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    private static DocumentFormat format(String format) {
        if (format != null) {
            switch (format.toLowerCase(Locale.ROOT)) {
                case "properties" -> {
                    return DocumentFormat.PROPERTIES;
                }
                case "yaml", "yml", "json" -> {
                    return DocumentFormat.YAML;
                }
                default -> {}
            }
        }
        throw ApiException.badRequest("format is properties, yaml or json: '" + format + "'");
    }

    private static String properties(Map<String, String> sorted) {
        Properties ordered = new Properties() {
            @Override
            public Set<Map.Entry<Object, Object>> entrySet() { // Properties.store writes in this order
                Map<Object, Object> inOrder = new LinkedHashMap<>();
                for (String k : new TreeSet<>(sorted.keySet())) {
                    inOrder.put(k, sorted.get(k));
                }
                return Collections.unmodifiableSet(inOrder.entrySet());
            }
        };
        ordered.putAll(sorted);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ordered.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = out.toString(StandardCharsets.ISO_8859_1);
        return text.startsWith("#") ? text.substring(text.indexOf('\n') + 1) : text; // without the date comment
    }

    private static String yaml(Map<String, String> sorted) {
        if (sorted.isEmpty()) {
            return "{}\n";
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(Integer.MAX_VALUE); // long values on one line
        return new Yaml(options).dump(new LinkedHashMap<>(sorted));
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static String json(Map<String, String> sorted) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(sorted) + "\n";
    }
}
