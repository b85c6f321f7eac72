package io.coordinator.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A power cut for real files, test only: as a {@link StorageFaults} hook it learns what the storage code made
 * durable (a file's bytes when its fsync completed, a directory's names when its fsync completed); {@link #cut}
 * then rewrites the files of a directory as a disk could have left them after losing power, before recovery reads
 * them. Bytes synced are never changed (sector writes are atomic, as storage stacks assume); what happens to the
 * rest depends on the {@link Mode}. Unlike a {@code SIGKILL}, which keeps the page cache, this loses what was not
 * synced.
 *
 * <p>A sync is recorded when the next hook is called or at the cut, not in {@code beforeSync} itself: the force
 * follows that call, and the storage code writes nothing between the two.
 */
final class PowerLossDisk implements StorageFaults {
    static final int SECTOR = 512;

    /** What a power cut does to the bytes written since the last fsync of their file. */
    enum Mode {
        /** None of them reached the disk: each file is as it was when last synced. */
        DROP_UNSYNCED,
        /** They reached the disk in order up to a random point (a torn last record, most often). */
        KEEP_PREFIX,
        /**
         * Each sector holding some of them, on its own: written, not written (old bytes or a hole of zeros), zeroed
         * or filled with garbage (page writes reordered and torn, stale blocks exposed).
         */
        SECTORS
    }

    private final Map<Path, byte[]> durable = new HashMap<>();
    private final Map<Path, Set<String>> durableNames = new HashMap<>();
    private final Set<Path> syncing = new LinkedHashSet<>();

    @Override
    public synchronized void beforeWrite(Path file, long offset, int length) {
        settle();
    }

    @Override
    public synchronized void beforeSync(Path file) {
        settle();
        syncing.add(file);
    }

    /** Records the syncs that have completed since the last hook. */
    private void settle() {
        for (Path p : syncing) {
            try {
                if (Files.isDirectory(p)) {
                    Set<String> names = new HashSet<>();
                    try (Stream<Path> s = Files.list(p)) {
                        s.forEach(f -> names.add(f.getFileName().toString()));
                    }
                    durableNames.put(p, names);
                } else if (Files.exists(p)) {
                    durable.put(p, Files.readAllBytes(p));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        syncing.clear();
    }

    /** Cuts the power: every file of {@code dir} as the disk could have kept it, chosen by {@code random}. */
    synchronized void cut(Path dir, Mode mode, Random random) throws IOException {
        settle();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            byte[] now = Files.readAllBytes(f);
            byte[] then = durable.get(f);
            if (then == null) {
                Set<String> names = durableNames.get(dir);
                boolean named = names != null && names.contains(f.getFileName().toString());
                if (!named && (mode == Mode.DROP_UNSYNCED || random.nextInt(3) == 0)) {
                    Files.delete(f); // created, never made durable in its directory
                    continue;
                }
                then = new byte[0];
            }
            Files.write(f, after(then, now, mode, random));
        }
        // the process is gone: what the disk holds now is all there is, and all of it is durable
        durable.clear();
        durableNames.clear();
        syncing.clear();
        Set<String> names = new HashSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                names.add(f.getFileName().toString());
                if (Files.isRegularFile(f)) {
                    durable.put(f, Files.readAllBytes(f));
                }
            }
        }
        durableNames.put(dir, names);
    }

    /** The bytes a file holds after the cut, given those synced ({@code then}) and those written ({@code now}). */
    static byte[] after(byte[] then, byte[] now, Mode mode, Random random) {
        if (Arrays.equals(then, now)) {
            return now;
        }
        int first = 0; // the first byte that differs
        while (first < Math.min(then.length, now.length) && then[first] == now[first]) {
            first++;
        }
        switch (mode) {
            case DROP_UNSYNCED -> {
                return then;
            }
            case KEEP_PREFIX -> {
                int keep = first + random.nextInt(Math.max(now.length, then.length) - first + 1);
                int length = Math.max(then.length, Math.min(keep, now.length));
                byte[] out = new byte[length];
                for (int i = 0; i < length; i++) {
                    out[i] = i < keep && i < now.length ? now[i] : i < then.length ? then[i] : 0;
                }
                return out;
            }
            default -> {
                int length = random.nextBoolean() ? now.length : Math.max(then.length, first);
                byte[] out = new byte[length];
                for (int sector = 0; sector * SECTOR < length; sector++) {
                    int from = sector * SECTOR;
                    int to = Math.min(length, from + SECTOR);
                    int choice = random.nextInt(4); // 0 written, 1 not written, 2 zeros, 3 garbage
                    for (int i = from; i < to; i++) {
                        boolean synced = i < then.length && i < now.length && then[i] == now[i];
                        byte old = i < then.length ? then[i] : 0;
                        byte written = i < now.length ? now[i] : 0;
                        out[i] = synced
                                ? old
                                : switch (choice) {
                                    case 0 -> written;
                                    case 1 -> old;
                                    case 2 -> 0;
                                    default -> (byte) random.nextInt(256);
                                };
                    }
                }
                return out;
            }
        }
    }
}
