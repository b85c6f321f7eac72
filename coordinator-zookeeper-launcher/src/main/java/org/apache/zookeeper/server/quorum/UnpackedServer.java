package org.apache.zookeeper.server.quorum;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.Deflater;

/**
 * The server's fat jar unpacked once per jar into a cache directory: its classes (one jar) and its libraries as
 * plain files, so that every start loads them as a plain class path instead of through Spring Boot's nested-jar
 * launcher, and can map them from a class-data archive ({@link ServerJvm}, kept in the same directory). On 2 cores
 * the plain class path alone brings the client port up about 1.3 s sooner (docs/benchmarks.md, "Restart to
 * serving"), which is what a restarted member of an ensemble costs its clients.
 *
 * <p>The cache is per user ({@code coordinator.launcher.cache}, else {@code $XDG_CACHE_HOME/coordinator-launcher},
 * else {@code ~/.cache/coordinator-launcher}), created private to its owner and refused when someone else owns it:
 * code is loaded from it. One directory per jar (path, size and modification time); it is written under a
 * temporary name and renamed when complete, so concurrent starts of the same jar share one and never see a
 * partial one. Directories of the same jar name unused for a week are removed.
 */
final class UnpackedServer {
    static final String CACHE_PROPERTY = "coordinator.launcher.cache";
    static final Duration UNUSED_FOR = Duration.ofDays(7);
    private static final String CLASSES = "BOOT-INF/classes/";
    private static final String LIB = "BOOT-INF/lib/";
    private static final String INDEX = "BOOT-INF/classpath.idx";
    private static final String SERVICES = "META-INF/services/";
    /** The application's classes and META-INF, as one jar of the layout. */
    static final String CLASSES_JAR = "classes.jar";
    /** Part of every layout's directory name: a launcher that lays jars out differently never reads an older one. */
    static final String LAYOUT_VERSION = "2";
    /** The launcher's package: not in the layout, so services it provides are left out of it. */
    static final String LAUNCHER_PACKAGE = "org.springframework.boot.loader.";

    /** An unpacked jar: the class to run and its class path, classes first, libraries in the jar's index order. */
    record Layout(Path dir, String startClass, List<Path> classPath) {
        /** A loader of the layout alone (the JDK's platform classes beneath it, not this launcher's class path). */
        URLClassLoader loader() {
            URL[] urls = classPath.stream()
                    .map(p -> {
                        try {
                            return p.toUri().toURL();
                        } catch (MalformedURLException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toArray(URL[]::new);
            return new URLClassLoader("coordinator-server", urls, ClassLoader.getPlatformClassLoader());
        }
    }

    private UnpackedServer() {}

    /** Where unpacked jars are kept for this user (see the class comment). */
    static Path cacheRoot(Properties system, Map<String, String> env) {
        String configured = system.getProperty(CACHE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(system.getProperty("user.home"), ".cache");
        return base.resolve("coordinator-launcher").toAbsolutePath();
    }

    /** The layout of {@code jar} under {@code root}, unpacked now when this jar has none yet. */
    static Layout unpack(Path jar, Path root) throws IOException {
        Path dir = privateRoot(root).resolve(key(jar));
        if (!Files.isDirectory(dir)) {
            Path tmp = Files.createTempDirectory(root, dir.getFileName() + ".partial-");
            try {
                extract(jar, tmp);
                publish(tmp, dir);
            } finally {
                delete(tmp);
            }
            removeUnused(root, jar.getFileName().toString(), dir);
        }
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now())); // in use: not removed as unused
        return read(dir);
    }

    /**
     * Renames the complete {@code tmp} to {@code dir} in one step. When a concurrent start of the same jar got there
     * first, its copy is used and this one is dropped by the caller (Linux reports that as "Directory not empty",
     * which Java raises as a plain {@link FileSystemException}).
     */
    static void publish(Path tmp, Path dir) throws IOException {
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException e) {
            if (!Files.isDirectory(dir)) {
                throw e; // not a concurrent start that finished first
            }
        }
    }

    /** One directory name per jar file: its name, and a hash of its path, size and modification time. */
    static String key(Path jar) throws IOException {
        Path abs = jar.toAbsolutePath().normalize();
        String identity = abs + "|" + Files.size(abs) + "|"
                + Files.getLastModifiedTime(abs).toMillis() + "|" + LAYOUT_VERSION;
        return abs.getFileName() + "-" + Integer.toHexString(identity.hashCode());
    }

    private static Path privateRoot(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root.getParent());
            try {
                Files.createDirectory(root);
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
                }
            } catch (FileAlreadyExistsException e) {
                // created by a concurrent start
            }
        }
        String owner = Files.getOwner(root).getName();
        String me = System.getProperty("user.name");
        if (me != null && !owner.equals(me)) {
            throw new IOException(root + " belongs to " + owner + ", not to " + me + ": not loading code from it");
        }
        return root;
    }

    private static void extract(Path jar, Path into) throws IOException {
        try (JarFile fat = new JarFile(jar.toFile())) {
            Attributes main =
                    fat.getManifest() == null ? null : fat.getManifest().getMainAttributes();
            String startClass = main == null ? null : main.getValue("Start-Class");
            JarEntry index = fat.getJarEntry(INDEX);
            if (startClass == null || index == null) {
                throw new IOException(jar + " is not a Spring Boot fat jar (no Start-Class or " + INDEX + ")");
            }
            Files.writeString(into.resolve("start-class"), startClass, StandardCharsets.UTF_8);
            List<String> libs = new ArrayList<>();
            try (InputStream in = fat.getInputStream(index)) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    String entry = line.trim();
                    if (entry.startsWith("- \"" + LIB) && entry.endsWith("\"")) {
                        libs.add(entry.substring(3 + LIB.length(), entry.length() - 1));
                    }
                }
            }
            Files.write(into.resolve("classpath.idx"), libs, StandardCharsets.UTF_8);
            Path lib = Files.createDirectory(into.resolve("lib"));
            // The application's classes go into a jar of their own, not a directory: the JVM's class-data sharing
            // (ServerProcess's archive) takes only jars on the class path.
            try (JarOutputStream classes = new JarOutputStream(Files.newOutputStream(into.resolve(CLASSES_JAR)))) {
                classes.setLevel(Deflater.BEST_SPEED);
                Set<String> directories = new HashSet<>(); // META-INF/ comes from the root and from the classes
                Enumeration<JarEntry> entries = fat.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    String name = e.getName();
                    if (e.isDirectory() && (name.startsWith(CLASSES) || name.startsWith("META-INF/"))) {
                        String dir = entryName(name.startsWith(CLASSES) ? name.substring(CLASSES.length()) : name);
                        if (!dir.isEmpty() && directories.add(dir)) {
                            classes.putNextEntry(new JarEntry(dir));
                            classes.closeEntry();
                        }
                    } else if (name.startsWith(CLASSES)) {
                        addTo(classes, fat, e, entryName(name.substring(CLASSES.length())));
                    } else if (name.startsWith("META-INF/") && !name.equals(JarFile.MANIFEST_NAME)) {
                        // the application's own META-INF (spring.factories...) stands at the jar's root, beside the
                        // launcher's: `java -jar` sees it through the class path, this layout through its classes
                        addTo(classes, fat, e, entryName(name));
                    } else if (name.startsWith(LIB) && !e.isDirectory()) {
                        Path target = inside(lib, name.substring(LIB.length()));
                        Files.createDirectories(target.getParent());
                        try (InputStream in = fat.getInputStream(e)) {
                            Files.copy(in, target);
                        }
                    }
                    // else: the launcher's own classes and the manifest
                }
            }
        }
    }

    /** Copies one file of the fat jar into the classes jar; services lose the launcher's providers. */
    private static void addTo(JarOutputStream classes, JarFile fat, JarEntry e, String name) throws IOException {
        byte[] bytes;
        try (InputStream in = fat.getInputStream(e)) {
            bytes = in.readAllBytes();
        }
        if (name.startsWith(SERVICES)) {
            bytes = servicesWithoutLauncher(bytes);
            if (bytes == null) {
                return;
            }
        }
        classes.putNextEntry(new JarEntry(name));
        classes.write(bytes);
        classes.closeEntry();
    }

    /** An entry name of the classes jar; one that would point outside it (zip slip) is refused. */
    static String entryName(String name) throws IOException {
        Path root = Path.of("/classes");
        Path resolved = root.resolve(name).normalize();
        if (!resolved.startsWith(root) || name.startsWith("/")) {
            throw new IOException("jar entry " + name + " points outside the application's classes");
        }
        return name;
    }

    /** A service registration without the launcher's providers (not in the layout); with none left, null. */
    static byte[] servicesWithoutLauncher(byte[] registration) {
        List<String> kept = new ArrayList<>();
        for (String line : new String(registration, StandardCharsets.UTF_8).split("\n")) {
            if (!line.trim().startsWith(LAUNCHER_PACKAGE)) {
                kept.add(line);
            }
        }
        if (kept.stream().noneMatch(l -> !l.isBlank() && !l.trim().startsWith("#"))) {
            return null;
        }
        return (String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code name} resolved under {@code dir}; an entry that would land outside it is refused. */
    static Path inside(Path dir, String name) throws IOException {
        Path target = dir.resolve(name).normalize();
        if (!target.startsWith(dir) || name.startsWith("/")) {
            throw new IOException("jar entry " + name + " points outside " + dir);
        }
        return target;
    }

    private static Layout read(Path dir) throws IOException {
        String startClass = Files.readString(dir.resolve("start-class"), StandardCharsets.UTF_8)
                .trim();
        List<Path> classPath = new ArrayList<>();
        classPath.add(dir.resolve(CLASSES_JAR));
        for (String name : Files.readAllLines(dir.resolve("classpath.idx"), StandardCharsets.UTF_8)) {
            if (!name.isBlank()) {
                classPath.add(inside(dir.resolve("lib"), name));
            }
        }
        return new Layout(dir, startClass, List.copyOf(classPath));
    }

    /** Other unpacked versions of the same jar name, unused for {@link #UNUSED_FOR}: a week of upgrades back. */
    private static void removeUnused(Path root, String jarName, Path current) throws IOException {
        Instant before = Instant.now().minus(UNUSED_FOR);
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (!p.equals(current)
                        && n.startsWith(jarName + "-")
                        && Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
                    delete(p);
                }
            }
        }
    }

    private static void delete(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a leftover directory costs disk, not correctness
        }
    }
}
