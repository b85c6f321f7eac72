package io.coordinator.server.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The crash test against Apache ZooKeeper 3.9.5 run as a process: validates the harness itself. */
class CrashRecoveryOnZooKeeperTest extends CrashRecoveryTest {
    @Override
    protected List<String> command(Path dataDir, int port) throws Exception {
        Path cfg = dataDir.resolveSibling("zoo-" + port + ".cfg");
        Files.write(
                cfg,
                List.of(
                        "dataDir=" + dataDir,
                        "clientPort=" + port,
                        "clientPortAddress=127.0.0.1",
                        "tickTime=2000",
                        "admin.enableServer=false",
                        "4lw.commands.whitelist=*"));
        return List.of(
                javaBin(),
                "-Xmx256m",
                "-Dzookeeper.admin.enableServer=false",
                "-cp",
                System.getProperty("java.class.path"),
                "org.apache.zookeeper.server.ZooKeeperServerMain",
                cfg.toString());
    }
}
