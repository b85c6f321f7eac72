package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ensemble-shape zoo.cfg keys Coordinator cannot honour are refused with the reason, never dropped. */
class ZooCfgEnsembleKeysTest {
    @TempDir
    Path dir;

    private Map<String, Object> parse(String... lines) throws IOException {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(
                cfg, "dataDir=" + dir.resolve("data") + "\nclientPort=2181\n" + String.join("\n", lines) + "\n");
        return ZooCfgImport.parse(cfg);
    }

    @Test
    void groupAndWeightAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> parse("group.1=1:2:3"))
                .hasMessageContaining("zoo.cfg:3")
                .hasMessageContaining("'group.1'")
                .hasMessageContaining("hierarchical quorums");
        assertThatThrownBy(() -> parse("weight.1=1")).hasMessageContaining("'weight.1'");
    }

    @Test
    void reconfigEnabledMapsToTheProperty() throws Exception {
        assertThat(String.valueOf(parse("reconfigEnabled=true").get("coordinator.reconfig-enabled")))
                .isEqualTo("true");
        assertThat(String.valueOf(parse("reconfigEnabled=false").get("coordinator.reconfig-enabled")))
                .isEqualTo("false");
    }

    @Test
    void standaloneEnabledFalseWithoutAnEnsembleIsRefused() throws Exception {
        assertThatThrownBy(() -> parse("standaloneEnabled=false"))
                .hasMessageContaining("zoo.cfg:3")
                .hasMessageContaining("standaloneEnabled=false");
        assertThat(parse("standaloneEnabled=true")).doesNotContainKey("coordinator.ensemble");
    }
}
