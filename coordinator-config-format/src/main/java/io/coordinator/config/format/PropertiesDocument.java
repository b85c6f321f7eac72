package io.coordinator.config.format;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A .properties document (ISO-8859-1, \\u escapes) read by {@link Properties}, in the order of its lines, with
 * what Spring Boot adds: keys trimmed, an empty key left out, and {@code name[]=a,b} read as {@code name[0]=a},
 * {@code name[1]=b}. Spring Boot's {@code #---} document separators need nothing: later values win either way.
 */
final class PropertiesDocument {
    private PropertiesDocument() {}

    static Map<String, String> parse(byte[] data) throws DocumentException {
        Map<String, String> out = new LinkedHashMap<>();
        Properties inOrder = new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                add(out, ((String) key).trim(), (String) value);
                return null;
            }
        };
        try {
            inOrder.load(new ByteArrayInputStream(data));
        } catch (IllegalArgumentException e) { // Properties' only parse error: a malformed \\uxxxx escape
            throw malformedEscape(data, e);
        } catch (IOException e) {
            throw new DocumentException(0, 0, String.valueOf(e.getMessage()), e); // not from a byte array
        }
        return out;
    }

    private static void add(Map<String, String> out, String key, String value) {
        if (key.isEmpty()) {
            return;
        }
        if (!key.endsWith("[]")) {
            out.put(key, value);
            return;
        }
        String name = key.substring(0, key.length() - 2);
        String[] items = value.split(",", -1);
        int n = items.length > 1 && items[items.length - 1].isEmpty() ? items.length - 1 : items.length;
        for (int i = 0; i < n; i++) {
            out.put(name + "[" + i + "]", items[i].replaceFirst("^[ \\t\\f]+", ""));
        }
    }

    /** Properties says what, not where: finds the first \\u not followed by four hex digits. */
    private static DocumentException malformedEscape(byte[] data, IllegalArgumentException e) {
        String problem = String.valueOf(e.getMessage()).strip();
        String[] lines = new String(data, StandardCharsets.ISO_8859_1).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            for (int at = lines[i].indexOf("\\u"); at >= 0; at = lines[i].indexOf("\\u", at + 2)) {
                String hex = lines[i].substring(at + 2, Math.min(lines[i].length(), at + 6));
                if (!hex.matches("[0-9A-Fa-f]{4}")) {
                    return new DocumentException(i + 1, at + 1, problem, e);
                }
            }
        }
        return new DocumentException(0, 0, problem, e);
    }
}
