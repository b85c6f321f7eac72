package io.coordinator.spring.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.config.format.DocumentException;
import io.coordinator.config.format.DocumentFormat;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * The shared format reads documents as Spring Boot's own loaders read application.yaml / .properties (which the
 * starter used before): the same keys and values, later documents winning; what Spring Boot rejects is rejected.
 */
class ConfigFormatMatchesSpringBootTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "shop:\n  title: Shop\n  size: 3\n",
                "list:\n  - a\n  - b: 1\n    c: [x, y]\n",
                "empty:\nnone: ~\nlist: []\nmap: {}\nquoted: ''\n",
                "enabled: yes\noff: no\nratio: 1.5\nbig: 1e3\nhex: 0x1F\noct: 0o17\nwhen: 2024-01-02T10:00:00Z\nday: 2024-01-02\n",
                "1: one\ntrue: t\n1.5: f\n",
                "a: 1\n---\na: 2\nb: 3\n---\n",
                "base: &b\n  x: 1\nderived:\n  <<: *b\n  y: 2\n",
                "just text\n",
                "- a\n- b\n",
                "",
                "# nothing\n",
                "---\n---\nx: 1\n",
                "\uFEFFa: b\n",
                "{\"server\": {\"port\": 8080, \"hosts\": [\"a\", \"b\"], \"tls\": null}}",
                "t: 'caf\u00e9'\nblock: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
                "key with spaces: v\n\"dotted.key\": w\n'[bracketed]': z\n",
                "nested:\n  list:\n    - - x\n      - y\n    - []\n",
            })
    void yamlAsSpringBoot(String text) throws Exception {
        assertSame(DocumentFormat.YAML, new YamlPropertySourceLoader(), text);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a=1\nb : 2\nc 3\nd\n",
                "# comment\n! comment\n  e = spaced  \n\tf\t=\tg\n",
                "long=one \\\n    two\\\n three\n",
                "u=\\u00e9\\t|\\n\nkey\\ with\\ space=x\nk\\=eq=v\nk\\:colon=v\n",
                "a=1\n#---\na=2\nb=3\n!---\nc=4\n",
                "names[]=a, b,,c,\nsingle[]=\nnone[]=,\n",
                "=no key\n x=y\n",
                "latin=caf\u00e9\n",
                "crlf=1\r\nnext=2\r\nold=3\rmac=4\n",
                "a=1\na=2\n",
                "",
            })
    void propertiesAsSpringBoot(String text) throws Exception {
        assertSame(DocumentFormat.PROPERTIES, new PropertiesPropertySourceLoader(), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a: 1\na: 2\n", "a: [unclosed\n", "a:\n\tb: 1\n", "a: !!javaobject x\n", "a: *nope\n"})
    void whatSpringBootRejectsIsRejected(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new YamlPropertySourceLoader().load("doc", new ByteArrayResource(data, "doc")))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> DocumentFormat.YAML.parse(data)).isInstanceOf(DocumentException.class);
    }

    private static void assertSame(DocumentFormat format, PropertySourceLoader loader, String text) throws Exception {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        List<PropertySource<?>> sources = loader.load("doc", new ByteArrayResource(data, "doc"));
        Map<String, String> spring = new LinkedHashMap<>();
        for (PropertySource<?> source : sources) {
            EnumerablePropertySource<?> e = (EnumerablePropertySource<?>) source;
            for (String key : e.getPropertyNames()) {
                spring.put(key, String.valueOf(e.getProperty(key)));
            }
        }
        assertThat(format.parse(data)).as(text).isEqualTo(spring);
    }
}
