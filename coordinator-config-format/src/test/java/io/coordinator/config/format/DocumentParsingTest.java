package io.coordinator.config.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each document kind: text in, flat properties out (in document order); errors with their position. */
class DocumentParsingTest {
    static Stream<Arguments> documents() {
        return Stream.of(
                // YAML
                yaml("shop:\n  title: Shop\n  size: 3\n", Map.of("shop.title", "Shop", "shop.size", "3")),
                yaml(
                        "list:\n  - a\n  - b: 1\n    c: [x, y]\n",
                        Map.of("list[0]", "a", "list[1].b", "1", "list[1].c[0]", "x", "list[1].c[1]", "y")),
                yaml("empty:\nnone: ~\nlist: []\nmap: {}\n", Map.of("empty", "", "none", "", "list", "")),
                yaml(
                        "enabled: yes\nratio: 1.5\nbig: 1e3\nwhen: 2024-01-02\n",
                        Map.of("enabled", "true", "ratio", "1.5", "big", "1000.0", "when", "2024-01-02")),
                yaml("1: one\ntrue: t\n", Map.of("[1]", "one", "[true]", "t")),
                yaml("a: 1\n---\na: 2\nb: 3\n", Map.of("a", "2", "b", "3")),
                yaml(
                        "base: &b\n  x: 1\nderived:\n  <<: *b\n  y: 2\n",
                        Map.of("base.x", "1", "derived.x", "1", "derived.y", "2")),
                yaml("just text\n", Map.of("document", "just text")),
                yaml("- a\n- b\n", Map.of("document[0]", "a", "document[1]", "b")),
                yaml("", Map.of()),
                yaml("# nothing\n", Map.of()),
                yaml("\uFEFFa: b\n", Map.of("a", "b")),
                yaml(
                        "{\"server\": {\"port\": 8080, \"hosts\": [\"a\", \"b\"]}}",
                        Map.of("server.port", "8080", "server.hosts[0]", "a", "server.hosts[1]", "b")),
                yaml("t: 'caf\u00e9'\n", Map.of("t", "caf\u00e9")),
                // .properties
                props("a=1\nb : 2\nc 3\nd\n", Map.of("a", "1", "b", "2", "c", "3", "d", "")),
                props("# comment\n! comment\n  e = spaced  \n", Map.of("e", "spaced  ")),
                props("long=one \\\n    two\n", Map.of("long", "one two")),
                props("u=\\u00e9\\t|\nkey\\ with\\ space=x\n", Map.of("u", "\u00e9\t|", "key with space", "x")),
                props("a=1\n#---\na=2\n", Map.of("a", "2")),
                props("names[]=a, b,,c,\n", Map.of("names[0]", "a", "names[1]", "b", "names[2]", "", "names[3]", "c")),
                props("=no key\n x=y\n", Map.of("x", "y")),
                props("latin=caf\u00e9\n", Map.of("latin", "caf\u00c3\u00a9")) // ISO-8859-1, as Spring Boot reads it
                );
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("documents")
    void parses(DocumentFormat format, String text, Map<String, String> expected) throws DocumentException {
        assertThat(format.parse(text.getBytes(StandardCharsets.UTF_8))).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @ParameterizedTest(name = "[{index}] order of {0}")
    @MethodSource("ordered")
    void keepsTheDocumentsOrder(DocumentFormat format, String text, List<String> keys) throws DocumentException {
        assertThat(format.parse(text.getBytes(StandardCharsets.UTF_8)).keySet()).containsExactlyElementsOf(keys);
    }

    static Stream<Arguments> ordered() {
        return Stream.of(
                Arguments.of(DocumentFormat.YAML, "z: 1\na: 2\nm:\n  b: 3\n", List.of("z", "a", "m.b")),
                Arguments.of(DocumentFormat.PROPERTIES, "z=1\na=2\nm.b=3\n", List.of("z", "a", "m.b")));
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(
                        DocumentFormat.YAML,
                        "shop:\n  title: [unclosed\n  other: x\n",
                        3,
                        8,
                        "while parsing a flow sequence: expected ',' or ']', but got :"),
                Arguments.of(DocumentFormat.YAML, "a: 1\na: 2\n", 2, 1, "found duplicate key a"),
                Arguments.of(DocumentFormat.YAML, "a:\n\tb: 1\n", 2, 1, "that cannot start any token"),
                Arguments.of(DocumentFormat.YAML, "a: !!javaobject x\n", 1, 4, "Global tag is not allowed"),
                Arguments.of(DocumentFormat.YAML, "a: *missing\n", 1, 4, "found undefined alias missing"),
                Arguments.of(DocumentFormat.PROPERTIES, "ok=1\nbad=x\\u12G4\n", 2, 6, "Malformed \\uxxxx encoding."),
                Arguments.of(DocumentFormat.PROPERTIES, "bad=\\u12", 1, 5, "Malformed \\uxxxx encoding."));
    }

    @ParameterizedTest(name = "[{index}] {0} error at {2}:{3}")
    @MethodSource("errors")
    void saysWhereADocumentIsWrong(DocumentFormat format, String text, int line, int column, String problem) {
        assertThatThrownBy(() -> format.parse(text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(DocumentException.class, e -> {
                    assertThat(List.of(e.line(), e.column())).containsExactly(line, column);
                    assertThat(e.problem()).contains(problem);
                    assertThat(e.getMessage()).startsWith("line " + line + ", column " + column + ": ");
                });
    }

    private static Arguments yaml(String text, Map<String, String> expected) {
        return Arguments.of(DocumentFormat.YAML, text, expected);
    }

    private static Arguments props(String text, Map<String, String> expected) {
        return Arguments.of(DocumentFormat.PROPERTIES, text, expected);
    }
}
