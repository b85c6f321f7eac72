package io.coordinator.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Fuzzes the backup reader ({@link BackupFormat#read}) with arbitrary bytes.
 *
 * <p>Contract: a backup it cannot take is refused with a {@link BackupFormat.CorruptBackupException} naming an
 * offset (or the version); nothing else escapes. Whatever it accepts, written again, reads back the same.
 */
class BackupFormatFuzzTest {
    @FuzzTest
    void read(byte[] content) throws IOException {
        try {
            BackupFormat.Backup b = BackupFormat.read(new ByteArrayInputStream(content));
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            BackupFormat.write(again, b.zxid(), b.state());
            BackupFormat.Backup back = BackupFormat.read(new ByteArrayInputStream(again.toByteArray()));
            assertThat(back.zxid()).isEqualTo(b.zxid());
            assertThat(back.state()).isEqualTo(b.state());
        } catch (BackupFormat.CorruptBackupException e) {
            assertThat(e.getMessage()).containsAnyOf("offset", "version");
        }
    }
}
