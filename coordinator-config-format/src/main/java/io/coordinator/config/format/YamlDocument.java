package io.coordinator.config.format;

import java.io.ByteArrayInputStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.UnicodeReader;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A YAML (or JSON) document read as Spring Boot reads application.yaml: every document of the stream, later
 * ones winning; nested keys joined with '.', list items as {@code [i]}; a key that is not a string as
 * {@code [key]}; null and an empty list as ""; an empty map as nothing; timestamps left as text; a duplicate key
 * is an error.
 */
final class YamlDocument {
    private YamlDocument() {}

    static Map<String, String> parse(byte[] data) throws DocumentException {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (Object document : yaml().loadAll(new UnicodeReader(new ByteArrayInputStream(data)))) {
                if (document instanceof Map<?, ?> map) {
                    flatten(out, "", map);
                } else if (document != null && !"".equals(document)) {
                    add(out, "document", document); // a document that is a plain value or a list
                }
            }
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            String problem = (e.getContext() == null ? "" : e.getContext() + ": ") + e.getProblem();
            if (m == null) {
                throw new DocumentException(0, 0, problem, e);
            }
            throw new DocumentException(m.getLine() + 1, m.getColumn() + 1, problem, e);
        } catch (RuntimeException e) {
            throw new DocumentException(0, 0, String.valueOf(e.getMessage()).strip(), e);
        }
        return out;
    }

    /** A new parser each time: SnakeYAML's are not thread-safe. Options as Spring Boot's loader sets them. */
    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(Integer.MAX_VALUE);
        options.setAllowRecursiveKeys(true);
        options.setCodePointLimit(Integer.MAX_VALUE);
        DumperOptions dumper = new DumperOptions();
        return new Yaml(new EmptyListAsText(options), new Representer(dumper), dumper, options, new NoTimestamps());
    }

    private static void flatten(Map<String, String> out, String path, Map<?, ?> map) {
        map.forEach((k, value) -> {
            String key = k instanceof CharSequence ? k.toString() : "[" + k + "]";
            add(out, path.isEmpty() ? key : key.startsWith("[") ? path + key : path + "." + key, value);
        });
    }

    private static void add(Map<String, String> out, String key, Object value) {
        if (value instanceof Map<?, ?> map) {
            flatten(out, key, map);
        } else if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                add(out, key + "[" + i++ + "]", item);
            }
        } else {
            out.put(key, text(value));
        }
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    /** An empty list stands for "" (so {@code key: []} sets the key to empty, as in Spring Boot). */
    private static final class EmptyListAsText extends SafeConstructor {
        EmptyListAsText(LoaderOptions options) {
            super(options);
        }

        @Override
        protected Object constructObject(Node node) {
            if (node instanceof SequenceNode seq && seq.getValue().isEmpty()) {
                return "";
            }
            return super.constructObject(node);
        }
    }

    /** Timestamps stay text: Spring Boot leaves them to its converters. */
    private static final class NoTimestamps extends Resolver {
        @Override
        public void addImplicitResolver(Tag tag, Pattern regexp, String first, int limit) {
            if (tag != Tag.TIMESTAMP) {
                super.addImplicitResolver(tag, regexp, first, limit);
            }
        }
    }
}
