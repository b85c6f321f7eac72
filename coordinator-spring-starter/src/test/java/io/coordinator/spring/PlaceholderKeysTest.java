package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.spring.config.PlaceholderKeys;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class PlaceholderKeysTest {
    @Test
    void findsKeysInPlaceholdersDefaultsNestedValuesAndSpel() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources()
                .addFirst(new MapPropertySource(
                        "t",
                        Map.of(
                                "title", "${greeting} shop",
                                "greeting", "${salutation:Hello}",
                                "which", "b",
                                "key.b", "x")));
        assertThat(PlaceholderKeys.of("${title}", env)).containsExactlyInAnyOrder("title", "greeting", "salutation");
        assertThat(PlaceholderKeys.of("#{'${title}'.toUpperCase()} ${other:${fallback}}", env))
                .contains("title", "greeting", "salutation", "other", "fallback");
        assertThat(PlaceholderKeys.of("${key.${which}}", env)).contains("which", "key.b");
        assertThat(PlaceholderKeys.of("plain text", env)).isEmpty();
    }

    @Test
    void survivesCycles() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("t", Map.of("a", "${b}", "b", "${a}")));
        assertThat(PlaceholderKeys.of("${a}", env)).containsExactlyInAnyOrder("a", "b");
    }
}
