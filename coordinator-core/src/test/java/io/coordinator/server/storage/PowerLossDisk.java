package io.coordinator.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A power cut for real files, test only: as a {@link StorageFaults} hook it learns what the storage code made
 * durable (a file's bytes when its fsync completed, a directory's entries when its fsync completed); {@link #cut}
 * then rewrites the files under a directory as a disk could have left them after losing power, before recovery
 * reads them. Bytes synced are never changed (sector writes are atomic, as storage stacks assume); what happens to
 * the rest depends on the {@link Mode}. Unlike a {@code SIGKILL}, which keeps the page cache, this loses what was
 * not synced.
 *
 * <p>Files are tracked by inode, names by directory: a rename or delete is durable only once its directory is
 * fsynced. Until then a cut keeps an in-order prefix of a directory's renames and deletes (none in
 * {@link Mode#DROP_UNSYNCED}), and a file created since may or may not keep its name. A renamed file carries its
 * own durable bytes, so renaming an unsynced file over a synced one can leave a torn file under the old name.
 *
 * <p>A sync is recorded when the next hook is called or at the cut, not in {@code beforeSync} itself: the force
 * follows that call, and the storage code writes nothing between the two. {@link #dieAfter} makes the process die
 * at a chosen hook call (a {@link PowerCut} thrown from it and from every later one), so a cut can fall anywhere
 * inside an operation, not only between operations.
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

    /** The process stops here: thrown from the hook (an Error, so no storage code cleans up after it). */
    static final class PowerCut extends Error {
        PowerCut(String where) {
            super("power cut at " + where, null, false, false);
        }
    }

    /** A rename ({@code to} non-null) or delete of {@code inode} in a directory, not yet made durable. */
    private record Op(String from, String to, Object inode) {}

    private final Map<Object, byte[]> durable = new HashMap<>(); // inode -> bytes at its last completed fsync
    private final Map<Path, Map<String, Object>> durableNames = new HashMap<>(); // dir -> entries at its last fsync
    private final Map<Path, List<Op>> pending = new HashMap<>(); // dir -> renames and deletes since then
    private final Map<Object, byte[]> unlinked = new HashMap<>(); // inode -> bytes when its last name went
    private final Set<Path> syncing = new LinkedHashSet<>();
    private final Map<Object, Long> ids = new HashMap<>(); // file key (inode) -> our id: the FS reuses inodes
    private long nextId;
    private long hooks;
    private long dieAt = Long.MAX_VALUE;

    @Override
    public synchronized void beforeWrite(Path file, long offset, int length) {
        hook("write " + file);
    }

    @Override
    public synchronized void beforeSync(Path file) {
        hook("fsync " + file);
        syncing.add(file);
    }

    @Override
    public synchronized void beforeRename(Path from, Path to) {
        hook("rename " + from + " to " + to);
        if (Files.exists(to)) {
            unlinked.put(inode(to), read(to));
            ids.remove(fileKey(to));
        }
        pending.computeIfAbsent(from.getParent(), d -> new ArrayList<>())
                .add(new Op(name(from), name(to), inode(from)));
    }

    @Override
    public synchronized void beforeDelete(Path file) {
        hook("delete " + file);
        Object inode = inode(file);
        unlinked.put(inode, read(file));
        pending.computeIfAbsent(file.getParent(), d -> new ArrayList<>()).add(new Op(name(file), null, inode));
        ids.remove(fileKey(file));
    }

    /** The process dies at the hook call after the next {@code calls} (0: at the very next one). */
    synchronized void dieAfter(long calls) {
        dieAt = hooks + calls;
    }

    /** How many hook calls were made so far: the points at which a process could die. */
    synchronized long hookCalls() {
        return hooks;
    }

    synchronized boolean dead() {
        return hooks > dieAt;
    }

    private void hook(String what) {
        settle();
        if (hooks++ >= dieAt) {
            throw new PowerCut(what);
        }
    }

    /** Records the syncs that have completed since the last hook. */
    private void settle() {
        for (Path p : syncing) {
            if (Files.isDirectory(p)) {
                durableNames.put(p, entries(p));
                pending.remove(p);
            } else if (Files.exists(p)) {
                durable.put(inode(p), read(p));
            }
        }
        syncing.clear();
    }

    /**
     * Cuts the power: every file under {@code root} (its subdirectories included) as the disk could have kept it,
     * chosen by {@code random}. The process must be gone (or have died at a hook) by now.
     */
    synchronized void cut(Path root, Mode mode, Random random) throws IOException {
        settle();
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(root)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        Map<Path, Map<String, byte[]>> after = new LinkedHashMap<>();
        for (Path dir : dirs) {
            after.put(dir, afterCut(dir, mode, random));
        }
        for (var e : after.entrySet()) {
            try (Stream<Path> s = Files.list(e.getKey())) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    Files.delete(f);
                }
            }
            for (var f : e.getValue().entrySet()) {
                Files.write(e.getKey().resolve(f.getKey()), f.getValue());
            }
        }
        // the process is gone: what the disk holds now is all there is, and all of it is durable
        durable.clear();
        durableNames.clear();
        pending.clear();
        unlinked.clear();
        syncing.clear();
        ids.clear();
        dieAt = Long.MAX_VALUE;
        for (Path dir : dirs) {
            Map<String, Object> names = entries(dir);
            durableNames.put(dir, names);
            for (String n : names.keySet()) {
                durable.put(names.get(n), read(dir.resolve(n)));
            }
        }
    }

    /** The files of one directory after the cut: name to bytes. */
    private Map<String, byte[]> afterCut(Path dir, Mode mode, Random random) {
        Map<String, Object> now = entries(dir);
        Map<Object, byte[]> bytesNow = new HashMap<>(unlinked);
        now.forEach((n, ino) -> bytesNow.put(ino, read(dir.resolve(n))));
        List<Op> ops = pending.getOrDefault(dir, List.of());
        int applied = mode == Mode.DROP_UNSYNCED ? 0 : random.nextInt(ops.size() + 1);
        Map<String, Object> names = new TreeMap<>(durableNames.getOrDefault(dir, Map.of()));
        for (Op op : ops.subList(0, applied)) {
            if (op.inode().equals(names.get(op.from()))) {
                names.remove(op.from());
            }
            if (op.to() != null) {
                names.put(op.to(), op.inode());
            }
        }
        // files created since the directory's last fsync: the entry may or may not have reached the disk, under
        // the name it had before the renames that did not
        for (var e : now.entrySet()) {
            if (names.containsValue(e.getValue())) {
                continue;
            }
            String name = e.getKey();
            List<Op> lost = ops.subList(applied, ops.size());
            for (int i = lost.size() - 1; i >= 0; i--) {
                if (e.getValue().equals(lost.get(i).inode())
                        && name.equals(lost.get(i).to())) {
                    name = lost.get(i).from();
                }
            }
            if (!names.containsKey(name) && mode != Mode.DROP_UNSYNCED && random.nextInt(3) != 0) {
                names.put(name, e.getValue());
            }
        }
        Map<String, byte[]> out = new TreeMap<>();
        names.forEach((n, ino) -> {
            byte[] written = bytesNow.get(ino);
            if (written != null) { // else deleted without the hook: taken as durable
                out.put(n, after(durable.getOrDefault(ino, new byte[0]), written, mode, random));
            }
        });
        return out;
    }

    private Map<String, Object> entries(Path dir) {
        Map<String, Object> names = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(f)) {
                    names.put(name(f), inode(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** The file's identity while it has a name: one id per inode, a new one once a hooked delete freed it. */
    private Object inode(Path f) {
        return ids.computeIfAbsent(fileKey(f), k -> nextId++);
    }

    private static Object fileKey(Path f) {
        try {
            return Files.readAttributes(f, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(Path f) {
        return f.getFileName().toString();
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
