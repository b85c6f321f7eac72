package io.coordinator.samples.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coordinator.spring.registration.ServiceInstanceJson;
import io.coordinator.spring.test.CoordinatorServerProcess;
import io.coordinator.testsupport.LoopbackPorts;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The starter as a user outside this repository gets it (issue 10): the README's install command, run on a copy
 * of this repository with a temporary local Maven repository; then a fresh application whose pom declares exactly
 * the README's dependency blocks (BOMs included) and whose {@code application.properties} is the README's, built
 * with Maven and run as a process against a real Coordinator server. README drift fails here: a block that no
 * longer builds, a version that differs from the build's, a class name that does not exist, a dependency the app
 * needs and the README leaves out. Everything resolves from {@code ~/.m2} read as a file repository (no network):
 * what the repository's own build already downloaded.
 */
@Timeout(900)
class OutsideConsumerE2ETest {
    static final String APP = "outside-consumer";
    static final Duration BUILD_MAX = Duration.ofMinutes(8);

    @Test
    void anApplicationBuiltFromTheReadmeRegistersAndFollowsLiveConfiguration(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp) throws Exception {
        Path root =
                Paths.get(System.getProperty("outside-consumer.reactor-root")).toRealPath();
        ReadmeBlocks readme = ReadmeBlocks.read(root.resolve("README.md"));
        String dependencyManagement = readme.block("dependencyManagement");
        String dependencies = readme.block("dependencies");
        assertThat(versionOf(dependencyManagement, "spring-boot-dependencies"))
                .isEqualTo(System.getProperty("outside-consumer.spring-boot-version"));
        assertThat(versionOf(dependencyManagement, "spring-cloud-dependencies"))
                .isEqualTo(System.getProperty("outside-consumer.spring-cloud-version"));
        String starterVersion = System.getProperty("outside-consumer.project-version");
        assertThat(versionOf(dependencies, "coordinator-spring-starter")).isEqualTo(starterVersion);

        // 1. The README's install command, on a copy (this build's own target/ directories are in use).
        IsolatedMaven maven = IsolatedMaven.in(tmp, System.getProperty("outside-consumer.maven-home"));
        Path repo = copyRepository(root, tmp.resolve("coordinator"));
        long t0 = System.nanoTime();
        maven.run(repo, tmp.resolve("install.log"), BUILD_MAX, mvnArguments(readme.block("install")));
        long installed = System.nanoTime();
        Path starterJar = maven.localRepository()
                .resolve("io/coordinator/coordinator-spring-starter/" + starterVersion + "/coordinator-spring-starter-"
                        + starterVersion + ".jar");
        assertThat(starterJar)
                .as("the install command installs the starter into the temporary repository")
                .isRegularFile();

        // 2. A fresh application from the README's blocks, packaged as an executable jar.
        Path app = writeApplication(tmp.resolve("app"), root, readme, dependencyManagement, dependencies);
        maven.run(app, tmp.resolve("package.log"), BUILD_MAX, List.of("-B", "package"));
        long packaged = System.nanoTime();
        Path jar = app.resolve("target/" + APP + ".jar");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertThat(zip.stream().map(ZipEntry::getName).filter(n -> n.matches("BOOT-INF/lib/zookeeper-\\d.*\\.jar")))
                    .as("the ZooKeeper client the README promises")
                    .containsExactly("BOOT-INF/lib/zookeeper-"
                            + System.getProperty("outside-consumer.zookeeper-version") + ".jar");
            // the starter just installed, not an older one from ~/.m2
            ZipEntry packagedStarter = zip.getEntry("BOOT-INF/lib/" + starterJar.getFileName());
            assertThat(packagedStarter).isNotNull();
            try (InputStream in = zip.getInputStream(packagedStarter)) {
                assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(starterJar));
            }
        }
        System.out.printf(
                "MEASURED outside consumer: README install %.1f s, app package %.1f s%n",
                (installed - t0) / 1e9, (packaged - installed) / 1e9);

        // 3. Run it against a real server.
        try (CoordinatorServerProcess server = CoordinatorServerProcess.start();
                CuratorFramework admin =
                        CuratorFrameworkFactory.newClient(server.connectString(), new RetryOneTime(200))) {
            admin.start();
            assertThat(admin.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
            admin.create()
                    .creatingParentsIfNeeded()
                    .forPath("/config/" + APP + "/consumer.greeting", "hello".getBytes(UTF_8));
            int port = LoopbackPorts.next();
            Process p = startApplication(jar, tmp, server.connectString(), port);
            try {
                String services = "/services/" + APP;
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    assertThat(p.isAlive())
                            .as("application running; log:\n%s", IsolatedMaven.tail(tmp.resolve("app.log")))
                            .isTrue();
                    return admin.checkExists().forPath(services) != null
                            && !admin.getChildren().forPath(services).isEmpty();
                });
                List<String> instances = admin.getChildren().forPath(services);
                assertThat(instances).hasSize(1);
                ServiceInstance registered = ServiceInstanceJson.read(
                        APP, instances.get(0), admin.getData().forPath(services + "/" + instances.get(0)));
                assertThat(registered.getHost()).isEqualTo("127.0.0.1");
                assertThat(registered.getPort()).isEqualTo(port);

                assertThat(get(port, "/greeting")).isEqualTo("hello");
                long written = System.nanoTime();
                admin.setData().forPath("/config/" + APP + "/consumer.greeting", "hello again".getBytes(UTF_8));
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> get(port, "/greeting").equals("hello again"));
                System.out.printf(
                        "MEASURED outside consumer: config write -> @Value seen over HTTP %.0f ms%n",
                        (System.nanoTime() - written) / 1e6);

                long first = Long.parseLong(get(port, "/locked"));
                long second = Long.parseLong(get(port, "/locked"));
                assertThat(first).isPositive();
                assertThat(second).as("each holder's fencing token is larger").isGreaterThan(first);

                p.destroy(); // SIGTERM: graceful shutdown deregisters
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(admin.checkExists().forPath(services + "/" + instances.get(0)))
                        .as("deregistered")
                        .isNull();
            } finally {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The README's {@code mvn ...} line as Maven arguments. */
    static List<String> mvnArguments(String command) {
        List<String> words = Arrays.asList(command.strip().split("\\s+"));
        assertThat(words.get(0)).as("README install command").isEqualTo("mvn");
        return words.subList(1, words.size());
    }

    /** The version of {@code artifactId} in a README block of Maven dependencies. */
    static String versionOf(String xml, String artifactId) {
        Matcher m = Pattern.compile(
                        "<artifactId>" + Pattern.quote(artifactId) + "</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(xml);
        assertThat(m.find()).as("README names a version of %s", artifactId).isTrue();
        return m.group(1);
    }

    /** The repository's sources, without build output and version control. */
    static Path copyRepository(Path root, Path to) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String name = dir.getFileName().toString();
                if (!dir.equals(root)
                        && (name.equals(".git")
                                || name.equals("target")
                                || dir.getParent().equals(root) && name.equals("data"))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(root.relativize(dir)));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(root.relativize(file)));
                return FileVisitResult.CONTINUE;
            }
        });
        return to;
    }

    static Path writeApplication(
            Path app, Path root, ReadmeBlocks readme, String dependencyManagement, String dependencies)
            throws IOException {
        String rootPom = Files.readString(root.resolve("pom.xml"));
        String pom = resource("pom.xml")
                .replace("@ROOT_POM_PROPERTIES@", element(rootPom, "properties"))
                .replace("@ROOT_POM_PLUGIN_MANAGEMENT@", element(rootPom, "pluginManagement"))
                .replace("@README_DEPENDENCY_MANAGEMENT@", dependencyManagement)
                .replace("@README_DEPENDENCIES@", dependencies);
        Files.createDirectories(app);
        Files.writeString(app.resolve("pom.xml"), pom);
        Path sources = Files.createDirectories(app.resolve("src/main/java/com/example/consumer"));
        for (String source : List.of("ConsumerApplication.java", "GreetingController.java")) {
            Files.writeString(sources.resolve(source), resource(source));
        }
        Files.writeString(
                sources.resolve("ReadmeNames.java"), readmeNames(Files.readString(root.resolve("README.md"))));
        Path resources = Files.createDirectories(app.resolve("src/main/resources"));
        Files.writeString(resources.resolve("application.properties"), readme.block("application.properties") + "\n");
        return app;
    }

    /** A class importing every starter class the README's "Use it in your own project" names: it compiles only if they exist. */
    static String readmeNames(String readme) {
        int from = readme.indexOf("### Use it in your own project");
        int to = readme.indexOf("\n### ", from + 1);
        assertThat(from).as("README section 'Use it in your own project'").isNotNegative();
        Matcher m = Pattern.compile("`(io\\.coordinator\\.spring(?:\\.[a-z]+)+\\.[A-Z]\\w*)`")
                .matcher(readme.substring(from, to < 0 ? readme.length() : to));
        TreeSet<String> names = new TreeSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).as("class names in the README section").isNotEmpty();
        StringBuilder source = new StringBuilder("package com.example.consumer;\n\n");
        names.forEach(n -> source.append("import ").append(n).append(";\n"));
        return source.append("\n/** The starter classes README.md names. */\nfinal class ReadmeNames {\n}\n")
                .toString();
    }

    /** The first {@code <name>...</name>} element of a pom, as text. */
    static String element(String pom, String name) {
        Matcher m = Pattern.compile("<" + name + ">.*?</" + name + ">", Pattern.DOTALL)
                .matcher(pom);
        assertThat(m.find()).as("root pom.xml has <%s>", name).isTrue();
        return m.group();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = OutsideConsumerE2ETest.class.getResourceAsStream("/outside-consumer/" + name)) {
            assertThat(in).as("test resource outside-consumer/%s", name).isNotNull();
            return new String(in.readAllBytes(), UTF_8);
        }
    }

    static Process startApplication(Path jar, Path tmp, String connectString, int port) throws IOException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(
                        java,
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        jar.toString(),
                        "--spring.application.name=" + APP,
                        "--server.port=" + port,
                        "--server.address=127.0.0.1",
                        "--coordinator.client.connect-string=" + connectString,
                        // tests use loopback addresses only (the default is the machine's first non-loopback address)
                        "--coordinator.client.registration.host=127.0.0.1",
                        "--coordinator.client.config.local-copy=" + tmp.resolve("config-copies"),
                        "--spring.main.banner-mode=off")))
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("app.log").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("COORDINATOR_") || k.startsWith("SPRING_"));
        return pb.start();
    }

    static String get(int port, String path) throws Exception {
        HttpResponse<String> r = LoopbackHttp.get(port, path);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }
}
