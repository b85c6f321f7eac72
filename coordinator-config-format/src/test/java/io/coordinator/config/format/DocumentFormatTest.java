package io.coordinator.config.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DocumentFormatTest {
    @ParameterizedTest(name = "child {0} -> {1}")
    @CsvSource(
            nullValues = "single",
            value = {
                "app.properties, PROPERTIES",
                "APP.PROPERTIES, PROPERTIES",
                "app.yaml,       YAML",
                "app.yml,        YAML",
                "app.YML,        YAML",
                "app.json,       YAML",
                "timeout,        single",
                "app.yaml.bak,   single",
                "properties,     single",
                "spring.datasource.url, single",
            })
    void whichChildrenAreDocuments(String name, DocumentFormat expected) {
        assertThat(DocumentFormat.ofChild(name)).isEqualTo(expected);
        assertThat(DocumentFormat.isDocument(name)).isEqualTo(expected != null);
    }

    @ParameterizedTest(name = "context {0} + {1} -> {2}")
    @CsvSource(
            nullValues = "none",
            value = {"shop, none, shop", "shop, prod, 'shop,prod'"})
    void contextNames(String application, String profile, String expected) {
        assertThat(ContextName.of(application, profile)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "own data {0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a: 1                  | YAML",
                "a=1                   | PROPERTIES",
                "a: b=c                | YAML",
                "a=b: c                | PROPERTIES",
                "a b                   | PROPERTIES",
                "'# comment\n---\na=1' | YAML",
                "'! comment\n\n  x: y' | YAML",
                "'# only a comment'    | PROPERTIES",
                "':x'                  | PROPERTIES",
            })
    void theContextNodesOwnDataIsSniffed(String text, DocumentFormat expected) {
        assertThat(DocumentFormat.ofContextData(text.replace("\\n", "\n"))).isEqualTo(expected);
    }
}
