package io.coordinator.server.app;

import io.coordinator.testsupport.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.URIParameter;
import java.util.List;
import java.util.Properties;
import javax.security.auth.login.Configuration;
import org.apache.zookeeper.server.auth.ProviderRegistry;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * Apache ZooKeeper 3.9.5 in this JVM with SASL logins on ({@code authProvider.1=SASLAuthenticationProvider}), its
 * login from the JVM-wide JAAS configuration: the reference the SASL tests compare Coordinator with.
 */
final class SaslZooKeeper {
    /** What a test's clients see against a server on {@code port}. */
    interface Scenario {
        List<String> run(int port) throws Exception;
    }

    private SaslZooKeeper() {}

    /**
     * Makes {@code jaas} the JVM-wide JAAS configuration, which clients (and ZooKeeper's server) read and the JDK
     * caches once loaded; returns the one it replaces (null if none was loaded), for {@link #restoreJaas}.
     */
    static Configuration useJaas(Path jaas) throws Exception {
        Configuration previous;
        try {
            previous = Configuration.getConfiguration();
        } catch (SecurityException noneYet) {
            previous = null;
        }
        Configuration.setConfiguration(Configuration.getInstance("JavaLoginConfig", new URIParameter(jaas.toUri())));
        return previous;
    }

    static void restoreJaas(Configuration previous) {
        Configuration.setConfiguration(previous);
    }

    /** Runs {@code scenario} against a fresh ZooKeeper under {@code dir}; returns what it saw. */
    static List<String> run(Path dir, Scenario scenario) throws Exception {
        ProviderRegistry.reset();
        int port = LoopbackPorts.next();
        Properties p = new Properties();
        p.setProperty("dataDir", dir.resolve("zk").toString());
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("admin.enableServer", "false");
        p.setProperty("authProvider.1", ZooCfgImport.SASL_PROVIDER);
        Path base = Files.createDirectories(dir.resolve("zk-base"));
        try (ZooKeeperServerEmbedded zk = ZooKeeperServerEmbedded.builder()
                .baseDir(base)
                .configuration(p)
                .exitHandler(ExitHandler.LOG_ONLY)
                .build()) {
            zk.start(30_000);
            return scenario.run(port);
        } finally {
            // ZooKeeper turns its zoo.cfg keys into zookeeper.* system properties; its provider registry is static
            System.clearProperty("zookeeper.authProvider.1");
            ProviderRegistry.reset();
        }
    }
}
