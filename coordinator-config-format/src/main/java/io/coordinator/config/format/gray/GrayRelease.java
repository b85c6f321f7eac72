package io.coordinator.config.format.gray;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * A gray release of one context, as stored (YAML) at {@code /coordinator/gray/<context>}: the instances it selects
 * and the change it makes to the context's values for them ({@code set} wins over, {@code remove} takes out, the
 * main values as they are at any moment, so a publish of the main version during a gray release still reaches the
 * gray instances for the keys the release does not touch). {@code release} names it; it stays when the selector is
 * widened, so the instances already selected by a percentage stay selected. {@code baseVersion} is the main version
 * it was started from.
 */
public record GrayRelease(
        String release,
        String context,
        Integer baseVersion,
        String author,
        String timestamp,
        String comment,
        GraySelector selector,
        Map<String, String> set,
        List<String> remove) {
    /** Parent of the gray release nodes, one per context that has a release running. */
    public static final String ROOT = "/coordinator/gray";

    public GrayRelease {
        if (release == null || release.isBlank()) {
            throw new IllegalArgumentException("a gray release needs an id");
        }
        selector = selector == null ? new GraySelector(null, null, null, null, null, null) : selector;
        set = set == null ? Map.of() : Map.copyOf(set);
        remove = remove == null ? List.of() : List.copyOf(remove);
    }

    public static String path(String context) {
        return ROOT + "/" + context;
    }

    /** The values an instance selected by this release runs, given the context's main values. */
    public Map<String, String> applyTo(Map<String, String> main) {
        Map<String, String> out = new LinkedHashMap<>(main);
        remove.forEach(out::remove);
        out.putAll(set);
        return out;
    }

    /** Whether {@code facts} describe an instance this release reaches. */
    public boolean selects(InstanceFacts facts) {
        return selector.matches(release, facts);
    }

    /** The stored form: block YAML, readable with zkCli's get. */
    public byte[] encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("release", release);
        m.put("context", context);
        m.put("baseVersion", baseVersion);
        m.put("author", author);
        m.put("timestamp", timestamp);
        m.put("comment", comment);
        Map<String, Object> s = new LinkedHashMap<>();
        putIfAny(s, "instances", selector.instances());
        putIfAny(s, "addresses", selector.addresses());
        putIfAny(s, "zones", selector.zones());
        putIfAny(s, "services", selector.services());
        if (!selector.labels().isEmpty()) {
            s.put("labels", new TreeMap<>(selector.labels()));
        }
        if (selector.percent() != null) {
            s.put("percent", selector.percent());
        }
        m.put("selector", s);
        m.put("set", new TreeMap<>(set));
        m.put("remove", new ArrayList<>(remove));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options)
                .dump(m)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void putIfAny(Map<String, Object> m, String key, List<String> values) {
        if (!values.isEmpty()) {
            m.put(key, new ArrayList<>(values));
        }
    }

    /** Reads the stored form; a node that is not one throws IllegalArgumentException saying what is wrong. */
    public static GrayRelease decode(byte[] data) {
        Object loaded;
        try {
            loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(data, StandardCharsets.UTF_8));
        } catch (YAMLException e) {
            throw new IllegalArgumentException("not a gray release: " + e.getMessage(), e);
        }
        if (!(loaded instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("not a gray release: expected a map");
        }
        Map<?, ?> s = m.get("selector") instanceof Map<?, ?> sel ? sel : Map.of();
        Object percent = s.get("percent");
        if (percent != null && !(percent instanceof Integer)) {
            throw new IllegalArgumentException("selector.percent is not a whole number: " + percent);
        }
        return new GrayRelease(
                text(m, "release"),
                text(m, "context"),
                m.get("baseVersion") instanceof Integer v ? v : null,
                text(m, "author"),
                text(m, "timestamp"),
                text(m, "comment"),
                new GraySelector(
                        list(s, "instances"),
                        list(s, "addresses"),
                        list(s, "zones"),
                        list(s, "services"),
                        map(s, "labels"),
                        (Integer) percent),
                map(m, "set"),
                list(m, "remove"));
    }

    private static String text(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    private static List<String> list(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException(key + " is not a list");
        }
        return l.stream().map(String::valueOf).toList();
    }

    private static Map<String, String> map(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> values)) {
            throw new IllegalArgumentException(key + " is not a map");
        }
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, x) -> out.put(String.valueOf(k), x == null ? "" : String.valueOf(x)));
        return out;
    }
}
