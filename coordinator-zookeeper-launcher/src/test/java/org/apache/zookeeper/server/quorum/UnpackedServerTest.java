package org.apache.zookeeper.server.quorum;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fat jar unpacked into the cache: what goes where, once per jar, and nothing outside the cache. */
class UnpackedServerTest {
    @TempDir
    Path dir;

    /** A fat jar laid out as Spring Boot's repackager makes it, with {@code extra} entries added. */
    private Path fatJar(String name, Map<String, String> extra) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("org/springframework/boot/loader/launch/JarLauncher.class", "launcher");
        entries.put("META-INF/spring.factories", "org.springframework.boot.EnvironmentPostProcessor=a.Post\n");
        entries.put(
                "META-INF/services/java.nio.file.spi.FileSystemProvider",
                "org.springframework.boot.loader.nio.file.NestedFileSystemProvider\n");
        entries.put("BOOT-INF/classes/application.properties", "a=1\n");
        entries.put("BOOT-INF/classes/a/App.class", "app");
        entries.put("BOOT-INF/lib/second.jar", "second");
        entries.put("BOOT-INF/lib/first.jar", "first");
        entries.put("BOOT-INF/classpath.idx", "- \"BOOT-INF/lib/first.jar\"\n- \"BOOT-INF/lib/second.jar\"\n");
        entries.putAll(extra);
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Start-Class", "a.App");
        Path jar = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out, m)) {
            for (var e : entries.entrySet()) {
                j.putNextEntry(new JarEntry(e.getKey()));
                j.write(e.getValue().getBytes(UTF_8));
                j.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void theApplicationsClassesLibrariesAndMetaInfAreUnpackedInClassPathOrder() throws Exception {
        Path cache = dir.resolve("cache");
        UnpackedServer.Layout layout = UnpackedServer.unpack(fatJar("server.jar", Map.of()), cache);

        assertThat(layout.startClass()).isEqualTo("a.App");
        Path classes = layout.dir().resolve("classes.jar");
        assertThat(layout.classPath())
                .containsExactly(
                        classes,
                        layout.dir().resolve("lib/first.jar"),
                        layout.dir().resolve("lib/second.jar"));
        assertThat(Files.readString(layout.dir().resolve("lib/second.jar"))).isEqualTo("second");
        try (JarFile jar = new JarFile(classes.toFile())) {
            assertThat(new String(
                            jar.getInputStream(jar.getEntry("a/App.class")).readAllBytes(), UTF_8))
                    .isEqualTo("app");
            // the application's META-INF stands at the jar's root; the launcher's file system provider is left out
            assertThat(jar.getEntry("META-INF/spring.factories")).isNotNull();
            assertThat(jar.getEntry("META-INF/services/java.nio.file.spi.FileSystemProvider"))
                    .isNull();
            assertThat(jar.stream().map(JarEntry::getName)).noneMatch(n -> n.startsWith("org/"));
        }
        try (var loader = layout.loader()) {
            assertThat(loader.getResource("application.properties")).isNotNull();
            assertThat(loader.getResource("META-INF/spring.factories")).isNotNull();
            assertThat(loader.getParent()).isSameAs(ClassLoader.getPlatformClassLoader());
        }
    }

    @Test
    void theSameJarIsUnpackedOnceAndAChangedJarAgain() throws Exception {
        Path cache = dir.resolve("cache");
        Path jar = fatJar("server.jar", Map.of());
        UnpackedServer.Layout first = UnpackedServer.unpack(jar, cache);
        Files.writeString(first.dir().resolve("marker"), "kept");

        assertThat(UnpackedServer.unpack(jar, cache).dir()).isEqualTo(first.dir());
        assertThat(first.dir().resolve("marker")).exists();

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60))); // a rebuilt jar
        UnpackedServer.Layout rebuilt = UnpackedServer.unpack(jar, cache);
        assertThat(rebuilt.dir()).isNotEqualTo(first.dir());
        assertThat(rebuilt.dir().resolve("marker")).doesNotExist();
        assertThat(first.dir()).exists(); // used a moment ago: an older server may still be running from it
    }

    /** Three members of an ensemble started at once unpack the same jar: the first copy renamed in place is used. */
    @Test
    void aCopyFinishedFirstByAnotherStartIsKept() throws Exception {
        Path cache = dir.resolve("cache");
        UnpackedServer.Layout first = UnpackedServer.unpack(fatJar("server.jar", Map.of()), cache);
        Path late = Files.createDirectories(cache.resolve("late-copy"));
        Files.writeString(late.resolve("start-class"), "other.App");

        UnpackedServer.publish(late, first.dir()); // the rename onto a complete copy fails; that copy stays

        assertThat(Files.readString(first.dir().resolve("start-class"))).isEqualTo("a.App");
    }

    @Test
    void concurrentStartsOfOneJarAllGetTheSameCompleteCopy() throws Exception {
        Path cache = dir.resolve("cache");
        Path jar = fatJar("server.jar", Map.of());
        var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            var ready = new java.util.concurrent.CyclicBarrier(3);
            List<java.util.concurrent.Future<UnpackedServer.Layout>> starts = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                starts.add(pool.submit(() -> {
                    ready.await();
                    return UnpackedServer.unpack(jar, cache);
                }));
            }
            Path dirOfFirst = starts.get(0).get().dir();
            for (var s : starts) {
                UnpackedServer.Layout l = s.get();
                assertThat(l.dir()).isEqualTo(dirOfFirst);
                assertThat(l.startClass()).isEqualTo("a.App");
            }
        } finally {
            pool.shutdownNow();
        }
        try (var left = Files.list(cache)) {
            assertThat(left).hasSize(1); // no partial copies stay behind
        }
    }

    @Test
    void anUnpackedVersionUnusedForAWeekIsRemovedWhenAnotherIsUnpacked() throws Exception {
        Path cache = dir.resolve("cache");
        Path jar = fatJar("server.jar", Map.of());
        UnpackedServer.Layout old = UnpackedServer.unpack(jar, cache);
        Files.setLastModifiedTime(
                old.dir(),
                FileTime.from(Instant.now().minus(UnpackedServer.UNUSED_FOR).minusSeconds(60)));
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));

        UnpackedServer.Layout current = UnpackedServer.unpack(jar, cache);

        assertThat(old.dir()).doesNotExist();
        assertThat(current.dir()).exists();
    }

    @Test
    void anEntryPointingOutsideTheCacheIsRefusedAndLeavesNothing() throws Exception {
        Path cache = dir.resolve("cache");
        Path jar = fatJar("evil.jar", Map.of("BOOT-INF/classes/../../../escaped", "x"));
        Path evilLib = fatJar("evil-lib.jar", Map.of("BOOT-INF/lib/../../../escaped", "x"));

        assertThatThrownBy(() -> UnpackedServer.unpack(jar, cache))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("points outside");
        assertThatThrownBy(() -> UnpackedServer.unpack(evilLib, cache))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("points outside");
        assertThat(dir.resolve("escaped")).doesNotExist();
        try (var left = Files.list(cache)) {
            assertThat(left).isEmpty(); // no partial directory stays behind
        }
    }

    /** Code is loaded from the cache: one another user owns (and could have written) is not used. */
    @Test
    void aCacheOwnedBySomeoneElseIsRefused() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path jar = fatJar("server.jar", Map.of());
        String me = System.getProperty("user.name");
        System.setProperty("user.name", "not-" + me); // the cache's owner (this process's user) is then someone else
        try {
            assertThatThrownBy(() -> UnpackedServer.unpack(jar, cache))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("belongs to " + Files.getOwner(cache).getName())
                    .hasMessageContaining("not loading code from it");
        } finally {
            System.setProperty("user.name", me);
        }
        try (var left = Files.list(cache)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void theCacheIsCreatedPrivateToItsOwner() throws Exception {
        Path cache = dir.resolve("new-cache");
        UnpackedServer.unpack(fatJar("server.jar", Map.of()), cache);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)))
                .isEqualTo("rwx------");
    }

    @Test
    void aJarThatIsNotAFatJarIsNamedInTheRefusal() throws Exception {
        Path plain = dir.resolve("plain.jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(plain))) {
            j.putNextEntry(new JarEntry("a/B.class"));
            j.closeEntry();
        }
        assertThatThrownBy(() -> UnpackedServer.unpack(plain, dir.resolve("cache")))
                .hasMessageContaining(plain.toString())
                .hasMessageContaining("not a Spring Boot fat jar");
    }

    @Test
    void theCacheIsTheSettingThenXdgCacheHomeThenTheHomeDirectory() {
        Properties system = new Properties();
        system.setProperty("user.home", "/home/zk");
        assertThat(UnpackedServer.cacheRoot(system, Map.of()))
                .isEqualTo(Path.of("/home/zk/.cache/coordinator-launcher"));
        assertThat(UnpackedServer.cacheRoot(system, Map.of("XDG_CACHE_HOME", "/var/cache/zk")))
                .isEqualTo(Path.of("/var/cache/zk/coordinator-launcher"));
        system.setProperty(UnpackedServer.CACHE_PROPERTY, "/srv/unpacked");
        assertThat(UnpackedServer.cacheRoot(system, Map.of("XDG_CACHE_HOME", "/var/cache/zk")))
                .isEqualTo(Path.of("/srv/unpacked"));
    }
}
