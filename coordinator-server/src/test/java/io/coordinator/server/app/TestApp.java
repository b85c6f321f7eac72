package io.coordinator.server.app;

import io.coordinator.testsupport.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real server app in this JVM, as the app tests run it: on one loopback client port (chosen at the first
 * start, kept across restarts) with one data directory, fresh for each test:
 * {@code @RegisterExtension final TestApp app = new TestApp();}
 */
final class TestApp implements BeforeEachCallback, AfterEachCallback {
    private Path dataDir;
    private int port;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("app-test");
        port = 0;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    Path dataDir() {
        return dataDir;
    }

    int port() throws Exception {
        if (port == 0) {
            port = LoopbackPorts.next();
        }
        return port;
    }

    ConfigurableApplicationContext start(String... extra) throws Exception {
        String[] base = {
            "--server.port=0",
            "--server.address=127.0.0.1",
            "--coordinator.client-port=" + port(),
            "--coordinator.data-dir=" + dataDir
        };
        String[] all = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
        return new SpringApplicationBuilder(CoordinatorApplication.class).run(all);
    }

    /** An official client, connected. */
    ZooKeeper client() throws Exception {
        return TestClients.connect(port());
    }
}
