package io.coordinator.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.admin.Commands;

/**
 * Apache ZooKeeper 3.9.5's AdminServer commands, as JSON. ZooKeeper's Jetty (9.4, javax.servlet) is not on the test
 * classpath, so its HTTP front is left out: a real standalone {@link ZooKeeperServer} runs the real
 * {@link Commands}, and the response map is written the way its {@code JsonOutputter} writes it (Jackson 2, snake
 * case, enums by toString).
 */
final class ZooKeeperAdminReference implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.WRITE_ENUMS_USING_TO_STRING, true)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final ZooKeeperServer server;
    private final ServerCnxnFactory factory;

    ZooKeeperAdminReference(Path dir) throws Exception {
        server = new ZooKeeperServer(dir.toFile(), dir.toFile(), 2000);
        factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 60);
        factory.startup(server);
    }

    int port() {
        return factory.getLocalPort();
    }

    /** The JSON text ZooKeeper's AdminServer answers to {@code /commands/<name>}. */
    String run(String name) throws Exception {
        return JSON.writeValueAsString(
                Commands.getCommand(name).runGet(server, Map.of()).toMap());
    }

    /** What ZooKeeperServer.dumpMonitorValues reports (monitor adds the metrics provider's values to these). */
    Map<String, Object> monitorValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        server.dumpMonitorValues(m::put);
        return m;
    }

    @Override
    public void close() {
        factory.shutdown();
        server.shutdown();
    }
}
