package io.coordinator.config.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The layout of a context and the precedence of its parts, over an in-memory tree. */
class ContextReaderTest {
    private static final String APP = "/config/app";

    static Stream<Arguments> contexts() {
        return Stream.of(
                Arguments.of(
                        "single properties, nested ones joined with '.'",
                        new MemoryNodes()
                                .set(APP + "/timeout", "5")
                                .set(APP + "/spring/datasource/url", "jdbc:x")
                                .set(APP + "/spring", "not-a-value-but-kept"),
                        Map.of("timeout", "5", "spring.datasource.url", "jdbc:x", "spring", "not-a-value-but-kept")),
                Arguments.of(
                        "every document kind",
                        new MemoryNodes()
                                .set(APP + "/a.properties", "p=1")
                                .set(APP + "/b.yaml", "y: 2")
                                .set(APP + "/c.yml", "z: 3")
                                .set(APP + "/d.json", "{\"j\": 4}"),
                        Map.of("p", "1", "y", "2", "z", "3", "j", "4")),
                Arguments.of(
                        "own data as YAML and as .properties",
                        new MemoryNodes().set(APP, "own:\n  y: 1\n").set("/config/other", "own.p=2"),
                        Map.of("own.y", "1")),
                Arguments.of(
                        "a child document wins over the context node's own data",
                        new MemoryNodes().set(APP, "k=own\nonly.own=1").set(APP + "/x.properties", "k=child"),
                        Map.of("k", "child", "only.own", "1")),
                Arguments.of(
                        "children apply in name order: a later name wins",
                        new MemoryNodes()
                                .set(APP + "/b.yaml", "k: from-b")
                                .set(APP + "/a.properties", "k=from-a")
                                .set(APP + "/c.yml", "other: c"),
                        Map.of("k", "from-b", "other", "c")),
                Arguments.of(
                        "a single property wins over every document",
                        new MemoryNodes()
                                .set(APP, "k=own")
                                .set(APP + "/z.yaml", "k: doc")
                                .set(APP + "/k", "single"),
                        Map.of("k", "single")),
                Arguments.of(
                        "a document name below the top is a property",
                        new MemoryNodes().set(APP + "/files/app.yaml", "a: 1"),
                        Map.of("files.app.yaml", "a: 1")),
                Arguments.of(
                        "empty nodes and blank own data add nothing",
                        new MemoryNodes()
                                .set(APP, "  \n")
                                .set(APP + "/empty", "")
                                .set(APP + "/e.yaml", ""),
                        Map.of()),
                Arguments.of(
                        "a node deleted between listing and reading is left out",
                        new MemoryNodes().set(APP + "/kept", "1").vanishing(APP + "/gone"),
                        Map.of("kept", "1")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("contexts")
    void readsAContext(String what, MemoryNodes nodes, Map<String, String> expected) throws Exception {
        ContextReader.Content content = ContextReader.read(nodes, APP, Map.of());
        assertThat(content.values()).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(content.broken()).isEmpty();
    }

    @Test
    void aMissingContextIsNull() throws Exception {
        assertThat(ContextReader.read(new MemoryNodes().set("/config/other", ""), APP, Map.of()))
                .isNull();
    }

    @Test
    void documentsAreListedInTheOrderTheyApply() throws Exception {
        MemoryNodes nodes =
                new MemoryNodes().set(APP, "o=1").set(APP + "/b.yaml", "b: 1").set(APP + "/a.yml", "a: 1");
        assertThat(ContextReader.read(nodes, APP, Map.of()).documents().keySet())
                .containsExactly(APP, APP + "/a.yml", APP + "/b.yaml");
    }

    @Test
    void aBrokenDocumentKeepsItsLastGoodValuesAndHoldsNothingElseBack() throws Exception {
        MemoryNodes nodes = new MemoryNodes()
                .set(APP + "/a.yaml", "shop:\n  title: [unclosed\n  other: x\n")
                .set(APP + "/b.properties", "color=red")
                .set(APP + "/size", "2");
        Map<String, Map<String, String>> lastGood = Map.of(APP + "/a.yaml", Map.of("shop.title", "good"));

        ContextReader.Content withLast = ContextReader.read(nodes, APP, lastGood);
        assertThat(withLast.values())
                .containsExactlyInAnyOrderEntriesOf(Map.of("shop.title", "good", "color", "red", "size", "2"));
        assertThat(withLast.broken()).containsOnlyKeys(APP + "/a.yaml");
        assertThat(withLast.broken().get(APP + "/a.yaml")).startsWith("line 3, column 8: ");
        assertThat(withLast.documents()).containsKey(APP + "/a.yaml");

        ContextReader.Content fresh = ContextReader.read(nodes, APP, Map.of());
        assertThat(fresh.values()).containsExactlyInAnyOrderEntriesOf(Map.of("color", "red", "size", "2"));
        assertThat(fresh.documents()).containsOnlyKeys(APP + "/b.properties");
        assertThat(fresh.broken()).containsOnlyKeys(APP + "/a.yaml");
    }

    @Test
    void mergeAppliesDocumentsInOrderThenSingles() {
        assertThat(ContextReader.merge(
                        List.of(Map.of("a", "1", "b", "1"), Map.of("b", "2", "c", "2")), Map.of("c", "single")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2", "c", "single"));
    }
}
