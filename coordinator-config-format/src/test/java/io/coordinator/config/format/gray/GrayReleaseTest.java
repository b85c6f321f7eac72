package io.coordinator.config.format.gray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GrayReleaseTest {
    private static final InstanceFacts A =
            new InstanceFacts("shop", "shop-1", "10.0.0.1", 8080, "eu-1", Map.of("canary", "true", "team", "blue"));
    private static final InstanceFacts B =
            new InstanceFacts("shop", "shop-2", "10.0.0.2", 8080, "eu-2", Map.of("team", "blue"));

    @Test
    void eachCriterionSelectsWhatItNamesAndAllMustHold() {
        assertThat(new GraySelector(List.of("shop-1"), null, null, null, null, null).matches("r", A))
                .isTrue();
        assertThat(new GraySelector(List.of("shop-1"), null, null, null, null, null).matches("r", B))
                .isFalse();
        assertThat(new GraySelector(null, List.of("10.0.0.2"), null, null, null, null).matches("r", B))
                .isTrue();
        assertThat(new GraySelector(null, List.of("10.0.0.2:8080"), null, null, null, null).matches("r", B))
                .isTrue();
        assertThat(new GraySelector(null, List.of("10.0.0.2:9090"), null, null, null, null).matches("r", B))
                .isFalse();
        assertThat(new GraySelector(null, null, List.of("eu-1", "eu-3"), null, null, null).matches("r", A))
                .isTrue();
        assertThat(new GraySelector(null, null, List.of("eu-1"), null, null, null).matches("r", B))
                .isFalse();
        assertThat(new GraySelector(null, null, null, List.of("billing"), null, null).matches("r", A))
                .isFalse();
        assertThat(new GraySelector(null, null, null, null, Map.of("canary", "true"), null).matches("r", A))
                .isTrue();
        assertThat(new GraySelector(null, null, null, null, Map.of("canary", "true"), null).matches("r", B))
                .isFalse();
        // all given criteria must hold: team blue AND zone eu-2
        GraySelector both = new GraySelector(null, null, List.of("eu-2"), null, Map.of("team", "blue"), null);
        assertThat(both.matches("r", A)).isFalse();
        assertThat(both.matches("r", B)).isTrue();
        assertThat(new GraySelector(null, null, null, null, Map.of("team", "blue", "canary", "true"), null)
                        .matches("r", B))
                .isFalse();
    }

    @Test
    void anEmptySelectorSelectsNobody() {
        GraySelector none = new GraySelector(null, null, null, null, null, null);
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.matches("r", A)).isFalse();
        assertThat(new GraySelector(null, null, null, null, null, 100).matches("r", A))
                .isTrue();
        assertThat(new GraySelector(null, null, null, null, null, 0).matches("r", A))
                .isFalse();
    }

    @Test
    void percentageIsStablePerReleaseAndGrowsWithoutDroppingAnyone() {
        List<String> ids = IntStream.range(0, 2000).mapToObj(i -> "svc-" + i).toList();
        List<String> ten = selected(ids, "rel-1", 10);
        List<String> fifty = selected(ids, "rel-1", 50);
        assertThat(selected(ids, "rel-1", 10)).isEqualTo(ten);
        assertThat(fifty).containsAll(ten);
        // a fixed input: about a tenth and about half (the hash spreads well), never everyone or no one
        assertThat(ten.size()).isBetween(150, 250);
        assertThat(fifty.size()).isBetween(900, 1100);
        // another release picks another subset
        assertThat(selected(ids, "rel-2", 10)).isNotEqualTo(ten);
        assertThat(GraySelector.bucket("rel-1", "svc-7")).isBetween(0, 99);
    }

    private static List<String> selected(List<String> ids, String release, int percent) {
        GraySelector s = new GraySelector(null, null, null, null, null, percent);
        return ids.stream()
                .filter(id -> s.matches(release, new InstanceFacts("svc", id, "h", 1, null, Map.of())))
                .toList();
    }

    @Test
    void theOverlaySetsAndRemovesOverTheMainValues() {
        GrayRelease r = new GrayRelease(
                "r1",
                "shop",
                3,
                "admin",
                "2026-12-06T00:00:00Z",
                "",
                new GraySelector(List.of("shop-1"), null, null, null, null, null),
                Map.of("price", "12", "new", "x"),
                List.of("old"));
        assertThat(r.applyTo(Map.of("price", "10", "old", "y", "kept", "z")))
                .isEqualTo(Map.of("price", "12", "new", "x", "kept", "z"));
    }

    @Test
    void encodesAndDecodesEveryFieldIncludingValuesThatLookLikeOtherTypes() {
        GrayRelease r = new GrayRelease(
                "5f3a9c1e",
                "shop,prod",
                7,
                "alice",
                "2026-12-06T10:00:00Z",
                "try the new price: 12 €",
                new GraySelector(
                        List.of("shop-1"),
                        List.of("10.0.0.1:8080"),
                        List.of("eu-1"),
                        List.of("shop"),
                        Map.of("canary", "true"),
                        25),
                Map.of("flag", "true", "port", "8080", "empty", "", "text", "line 1\nline 2", "nul", "null"),
                List.of("gone.key"));
        GrayRelease back = GrayRelease.decode(r.encode());
        assertThat(back).isEqualTo(r);
        assertThat(new String(r.encode(), StandardCharsets.UTF_8)).contains("release: 5f3a9c1e");
    }

    @Test
    void aNodeThatIsNotAReleaseIsRefusedSayingWhy() {
        assertThatThrownBy(() -> GrayRelease.decode("just text".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("expected a map");
        assertThatThrownBy(() -> GrayRelease.decode("release: r\nset: [1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("set is not a map");
        assertThatThrownBy(() ->
                        GrayRelease.decode("release: r\nselector: {percent: many}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("percent");
        assertThatThrownBy(() ->
                        GrayRelease.decode("release: r\nselector: {percent: 101}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("between 0 and 100");
        assertThatThrownBy(() -> GrayRelease.decode("set: {}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("needs an id");
        assertThatThrownBy(() -> GrayRelease.decode("{a: [".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a gray release");
    }
}
