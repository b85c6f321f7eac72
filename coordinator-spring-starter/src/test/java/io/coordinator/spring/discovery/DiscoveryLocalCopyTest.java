package io.coordinator.spring.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/** The discovery local copy as a file: what is written is read back; bad disks and bad files do not stop the app. */
class DiscoveryLocalCopyTest {

    @Test
    void whatIsWrittenIsReadBack(@TempDir Path dir) throws Exception {
        DiscoveryLocalCopy copy = DiscoveryLocalCopy.of(dir.resolve("app").toString());
        ServiceInstance a = new DefaultServiceInstance("a-1", "a", "10.0.0.1", 8080, false, Map.of("zone", "z1"));
        ServiceInstance b = new DefaultServiceInstance("b-1", "b", "10.0.0.2", 8443, true, Map.of());
        copy.write(Map.of("a", List.of(a), "b", List.of(b), "empty", List.of()));
        DiscoveryLocalCopy.Copy read = copy.read();
        assertThat(read.services()).containsOnlyKeys("a", "b");
        assertThat(read.services().get("a")).singleElement().satisfies(i -> {
            assertThat(i.getInstanceId()).isEqualTo("a-1");
            assertThat(i.getServiceId()).isEqualTo("a");
            assertThat(i.getHost()).isEqualTo("10.0.0.1");
            assertThat(i.getPort()).isEqualTo(8080);
            assertThat(i.isSecure()).isFalse();
            assertThat(i.getMetadata()).containsExactly(Map.entry("zone", "z1"));
        });
        assertThat(read.services().get("b").get(0).isSecure()).isTrue();
        assertThat(read.written()).isNotNull();
        // written by a move: no temporary file stays behind
        try (var files = Files.list(dir.resolve("app"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("services.json");
        }
    }

    @Test
    void anUnwritableDirectoryOrAnUnreadableFileIsNotFatal(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        DiscoveryLocalCopy blocked =
                DiscoveryLocalCopy.of(notADirectory.resolve("app").toString());
        blocked.write(Map.of("a", List.of(new DefaultServiceInstance("a-1", "a", "h", 1, false, Map.of()))));
        assertThat(blocked.read()).isNull();

        Files.createDirectories(dir.resolve("bad"));
        Files.writeString(dir.resolve("bad").resolve("services.json"), "{ not json");
        assertThat(DiscoveryLocalCopy.of(dir.resolve("bad").toString()).read()).isNull();
        assertThat(DiscoveryLocalCopy.of(dir.resolve("none").toString()).read()).isNull();
        assertThat(DiscoveryLocalCopy.of("")).isNull();
    }
}
