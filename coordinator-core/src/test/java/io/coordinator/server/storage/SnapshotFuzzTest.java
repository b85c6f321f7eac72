package io.coordinator.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.coordinator.server.request.StateSnapshots;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Fuzzes the snapshot reader: {@link SnapshotStore#loadLatest} with the server's loader
 * ({@link StateSnapshots#read}: session table, then the tree via TreeCodec). Byte 0 picks the mode:
 * <ul>
 *   <li>0: the rest is a snapshot body, wrapped by the harness in a valid file (header, CRC, trailer), so the
 *       fuzzer reaches the body decoder behind the checksum;</li>
 *   <li>1: the rest is a whole snapshot file, as found on disk.</li>
 * </ul>
 *
 * <p>Contract: the body decoder rejects bad input with an {@link IOException} only (never a RuntimeException,
 * which loadLatest would also skip, hiding a bug), and loadLatest returns the snapshot or, if it is invalid,
 * nothing; never throws, hangs or runs out of memory. A body that loads re-serializes to a body that loads
 * to the same bytes.
 */
class SnapshotFuzzTest {
    private static final Path DIR = FuzzFiles.scratch("snapshot-fuzz");
    private static final long ZXID = 0x100000005L;

    static {
        FuzzFiles.quietLogs();
    }

    @FuzzTest
    void load(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        FuzzFiles.clear(DIR);
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        SnapshotStore store = new SnapshotStore(DIR);
        if ((input[0] & 1) == 0) {
            store.write(ZXID, out -> out.write(rest));
        } else {
            Files.write(DIR.resolve(SnapshotStore.fileName(ZXID)), rest);
        }
        Optional<LoadedSnapshot<StateSnapshots.Recovered>> loaded = store.loadLatest(SnapshotFuzzTest::strictRead);
        if (loaded.isPresent()) {
            byte[] once = body(loaded.get().value());
            byte[] twice = body(strictRead(new DataInputStream(new ByteArrayInputStream(once))));
            assertThat(twice).isEqualTo(once);
        }
    }

    /** The real loader, with anything but an IOException turned into a finding instead of a skipped file. */
    private static StateSnapshots.Recovered strictRead(DataInput in) throws IOException {
        try {
            return StateSnapshots.read(in);
        } catch (RuntimeException e) {
            throw new AssertionError("snapshot body decoder threw " + e, e);
        }
    }

    private static byte[] body(StateSnapshots.Recovered r) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            StateSnapshots.write(out, r.sessions(), r.tree());
        }
        return bytes.toByteArray();
    }
}
