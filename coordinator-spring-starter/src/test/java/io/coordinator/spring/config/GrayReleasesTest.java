package io.coordinator.spring.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.config.format.gray.GrayRelease;
import io.coordinator.config.format.gray.GraySelector;
import io.coordinator.config.format.gray.InstanceFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an instance runs given the main snapshot and what its gray node held. */
class GrayReleasesTest {
    private static final ConfigTree.Snapshot MAIN = new ConfigTree.Snapshot(
            Map.of("a", "1", "b", "2", "c", "3"), 0x100, Map.of("/config/app/app.yaml", Map.of("c", "3")), Map.of());
    private static final GrayRelease CANARY = new GrayRelease(
            "r1",
            "app",
            1,
            "alice",
            "2026-12-06T17:00:00Z",
            null,
            new GraySelector(null, null, null, null, Map.of("canary", "true"), null),
            Map.of("a", "10", "d", "4"),
            List.of("b"));

    private static InstanceFacts instance(Map<String, String> metadata) {
        return new InstanceFacts("app", "app-1", "10.0.0.1", 8080, null, metadata);
    }

    @Test
    void aSelectedInstanceRunsTheReleaseOverMainAndReportsItsZxid() {
        GrayReleases.Applied applied = GrayReleases.apply(
                MAIN, new GrayReleases.Read(CANARY, 0x200, null), instance(Map.of("canary", "true")));
        assertThat(applied.snapshot().values()).isEqualTo(Map.of("a", "10", "c", "3", "d", "4"));
        assertThat(applied.snapshot().mzxid()).isEqualTo(0x200);
        assertThat(applied.snapshot().documents()).isEqualTo(MAIN.documents()); // last good documents stay main's
        assertThat(applied.status()).isEqualTo(new GrayStatus("r1", true, null));
        assertThat(applied.status().applied()).isEqualTo("r1");
    }

    @Test
    void anUnselectedInstanceRunsMainAndKnowsOfTheRelease() {
        GrayReleases.Applied applied =
                GrayReleases.apply(MAIN, new GrayReleases.Read(CANARY, 0x200, null), instance(Map.of()));
        assertThat(applied.snapshot().values()).isEqualTo(MAIN.values());
        assertThat(applied.status()).isEqualTo(new GrayStatus("r1", false, null));
        assertThat(applied.status().applied()).isNull();
        // unknown facts (settings not readable at startup): selected by nothing
        assertThat(GrayReleases.apply(MAIN, new GrayReleases.Read(CANARY, 0x200, null), null)
                        .status()
                        .selected())
                .isFalse();
    }

    @Test
    void noReleaseOrABrokenOneRunsMainAtTheLargerVersion() {
        GrayReleases.Applied none =
                GrayReleases.apply(MAIN, new GrayReleases.Read(null, 0x300, null), instance(Map.of()));
        assertThat(none.snapshot().values()).isEqualTo(MAIN.values());
        assertThat(none.snapshot().mzxid()).isEqualTo(0x300); // an abort (the root's pzxid) moves the version on
        assertThat(none.status()).isEqualTo(GrayStatus.NONE);
        assertThat(none.status().describe()).isNull();

        GrayReleases.Applied broken = GrayReleases.apply(
                MAIN,
                new GrayReleases.Read(null, 0x50, "/coordinator/gray/app does not decode: x"),
                instance(Map.of()));
        assertThat(broken.snapshot().values()).isEqualTo(MAIN.values());
        assertThat(broken.snapshot().mzxid()).isEqualTo(0x100);
        assertThat(broken.status().describe())
                .containsEntry("release", null)
                .containsEntry("selected", false)
                .containsEntry("problem", "/coordinator/gray/app does not decode: x");
    }

    @Test
    void theGrayNodeIsNamedAfterTheContextNode() {
        assertThat(GrayReleases.path("/config/shop,prod")).isEqualTo("/coordinator/gray/shop,prod");
        assertThat(GrayReleases.path("/apps-config/shop")).isEqualTo("/coordinator/gray/shop");
    }
}
