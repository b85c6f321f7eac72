package io.coordinator.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WritableCheckTest {
    @TempDir
    Path dir;

    @Test
    void aWritableDirectoryPassesAndKeepsNoProbeFile() throws IOException {
        assertThat(WritableCheck.problem(dir, 4096, StorageFaults.NONE)).isNull();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aFullOrReadOnlyDiskIsNamedAndLeavesNoProbeFile() throws IOException {
        Path control = dir.resolve("faults");
        Path data = Files.createDirectory(dir.resolve("data"));
        StorageFaults faults = new ControlFileStorageFaults(control, 0);
        for (String fault : new String[] {"enospc", "readonly"}) {
            Files.writeString(control, fault);
            assertThat(WritableCheck.problem(data, 4096, faults))
                    .contains(fault.equals("enospc") ? "No space left on device" : "Read-only file system");
            try (var files = Files.list(data)) {
                assertThat(files).isEmpty();
            }
        }
        Files.writeString(control, "");
        assertThat(WritableCheck.problem(data, 4096, faults)).isNull();
    }

    @Test
    void tooLittleUsableSpaceForTheLogsNextStepIsNamed() {
        assertThat(WritableCheck.problem(dir, Long.MAX_VALUE, StorageFaults.NONE))
                .contains("bytes usable in " + dir)
                .contains(Long.MAX_VALUE + " needed");
    }
}
