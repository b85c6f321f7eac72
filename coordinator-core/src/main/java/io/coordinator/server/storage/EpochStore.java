package io.coordinator.server.storage;

import io.coordinator.server.planted.PlantedBug;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * ZAB's two durable epochs (acceptedEpoch, currentEpoch) in one small file, replaced atomically: written to
 * a temp file, fsynced, renamed over the old one, directory fsynced. One file for both means a crash can
 * never leave currentEpoch ahead of acceptedEpoch. The file carries a CRC; a damaged file is a startup
 * error, not a silent reset to zero.
 */
public final class EpochStore {
    public static final String FILE = "epochs";
    private static final int MAGIC = 0x434f4550; // "COEP"
    private static final int SIZE = 4 + 8 + 8 + 4 + 4;
    private final Path dir;
    private final Path file;
    private final StorageFaults faults;

    /** @param acceptedFrom the server the accepted epoch was promised to (-1 unknown) */
    public record Epochs(long accepted, long current, int acceptedFrom) {}

    public EpochStore(Path dir) {
        this(dir, StorageFaults.NONE);
    }

    public EpochStore(Path dir, StorageFaults faults) {
        this.dir = dir;
        this.file = dir.resolve(FILE);
        this.faults = faults == null ? StorageFaults.NONE : faults;
    }

    /** The stored epochs, or (0, 0) for a server that never took part in an ensemble. */
    public Epochs load() throws IOException {
        if (!Files.exists(file)) {
            return new Epochs(0, 0, -1);
        }
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length != SIZE || b.getInt() != MAGIC) {
            throw new CorruptStorageException(file + " is not an epoch file (" + bytes.length + " bytes)");
        }
        long accepted = b.getLong();
        long current = b.getLong();
        int acceptedFrom = b.getInt();
        int crc = b.getInt();
        CRC32C c = new CRC32C();
        c.update(bytes, 0, SIZE - 4);
        if ((int) c.getValue() != crc) {
            throw new CorruptStorageException(file + " fails its checksum; restore it or remove the server's data");
        }
        return new Epochs(accepted, current, acceptedFrom);
    }

    public void store(Epochs epochs) throws IOException {
        if (epochs.current() > epochs.accepted()) {
            throw new IllegalArgumentException(
                    "currentEpoch " + epochs.current() + " > acceptedEpoch " + epochs.accepted());
        }
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.putInt(MAGIC).putLong(epochs.accepted()).putLong(epochs.current()).putInt(epochs.acceptedFrom());
        CRC32C c = new CRC32C();
        c.update(b.array(), 0, SIZE - 4);
        b.putInt((int) c.getValue());
        b.flip();
        Path tmp = dir.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            faults.beforeWrite(tmp, 0, SIZE);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (!PlantedBug.EPOCH_SKIPS_FSYNC) {
                faults.beforeSync(tmp);
                ch.force(true);
            }
        } catch (IOException e) {
            throw new IOException(
                    "Cannot store the epochs (accepted " + epochs.accepted() + ", current " + epochs.current() + ") in "
                            + tmp + ": " + e.getMessage(),
                    e);
        }
        FileUtil.atomicMove(tmp, file, faults);
        FileUtil.fsyncDirectory(dir, faults);
    }

    @Override
    public String toString() {
        return "EpochStore(" + file + ")";
    }
}
