package io.coordinator.server.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The newest committed ensemble configuration this server knows, in ZooKeeper's dynamic-config text
 * ({@code server.N=...} lines, then {@code version=<hex>}), kept in the data directory as ZooKeeper keeps
 * {@code zoo.cfg.dynamic.<version>}: written to a temporary file, fsynced, moved over the old one and the
 * directory fsynced, so a crash leaves the old or the new one whole. A restarted member starts from it when it
 * is newer than the membership on its command line.
 */
public final class CommittedConfigFile {
    public static final String NAME = "zoo.cfg.dynamic.committed";

    private final Path dir;
    private final Path file;

    public CommittedConfigFile(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(NAME);
    }

    public Path path() {
        return file;
    }

    public void store(String text) throws IOException {
        Path tmp = dir.resolve(NAME + ".tmp");
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** The stored text, if a reconfig was ever committed here. */
    public Optional<String> load() throws IOException {
        return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
    }

    /**
     * The {@code version=} of a config text (hex, as ZooKeeper writes it); 0 without one.
     *
     * @throws IllegalArgumentException naming the file and line when the version is not hex
     */
    public long version(String text) {
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.startsWith("version=")) {
                try {
                    return Long.parseUnsignedLong(
                            line.substring("version=".length()).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": version is not hex: " + line);
                }
            }
        }
        return 0;
    }
}
