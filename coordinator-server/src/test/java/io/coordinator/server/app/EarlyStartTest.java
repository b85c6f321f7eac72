package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.testsupport.LoopbackPorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationContextInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/** The app as main runs it: the server starts ahead of the context, which then owns it. */
class EarlyStartTest {
    @TempDir
    Path dir;

    private static ConfigurableApplicationContext run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--server.port=0";
        all[1] = "--server.address=127.0.0.1";
        System.arraycopy(args, 0, all, 2, args.length);
        return CoordinatorApplication.application().run(all);
    }

    @Test
    void theContextOwnsTheEarlyStartedServerAndStopsItOnClose() throws Exception {
        int port = LoopbackPorts.next();
        String[] args = {"--coordinator.client-port=" + port, "--coordinator.data-dir=" + dir};
        try (ConfigurableApplicationContext ctx = run(args)) {
            CoordinatorServer server = ctx.getBean(CoordinatorServer.class);
            assertThat(ctx.getBean(EarlyStart.class).server()).isSameAs(server);
            assertThat(server.isServing()).isTrue();
            ZooKeeper zk = TestClients.connect("127.0.0.1:" + port);
            try {
                zk.create("/early", "v".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } finally {
                zk.close();
            }
        }
        assertThat(portIsFree(port)).isTrue();
        try (ConfigurableApplicationContext ctx = run(args)) {
            ZooKeeper zk = TestClients.connect("127.0.0.1:" + port);
            try {
                assertThat(new String(zk.getData("/early", false, null))).isEqualTo("v");
            } finally {
                zk.close();
            }
        }
    }

    /** The context is built only once the client port serves: building both at once only slows the port. */
    @Test
    void theClientPortServesBeforeTheContextIsBuilt() throws Exception {
        int port = LoopbackPorts.next();
        AtomicBoolean servingWhenBuilt = new AtomicBoolean();
        SpringApplication app = CoordinatorApplication.application();
        app.addListeners(
                (ApplicationListener<ApplicationContextInitializedEvent>) e -> servingWhenBuilt.set(!portIsFree(port)));
        try (ConfigurableApplicationContext ctx = app.run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--coordinator.client-port=" + port,
                "--coordinator.data-dir=" + dir)) {
            assertThat(servingWhenBuilt).isTrue();
            assertThat(ctx.getBean(CoordinatorServer.class).isServing()).isTrue();
        }
    }

    /** An unknown property, and a known one with an invalid value: the context fails and no port was opened. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"--coordinator.tick-tme=100, coordinator.tick-tme", "--coordinator.tick-time=0, tickTime"})
    void aBadSettingStillFailsTheContextAndNothingServes(String setting, String named) throws Exception {
        int port = LoopbackPorts.next();
        assertThatThrownBy(() -> run("--coordinator.data-dir=" + dir, "--coordinator.client-port=" + port, setting))
                .hasStackTraceContaining(named);
        assertThat(portIsFree(port)).isTrue();
    }

    @Test
    void aFailedEarlyStartFailsTheContext() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() ->
                            run("--coordinator.data-dir=" + dir, "--coordinator.client-port=" + taken.getLocalPort()))
                    .isInstanceOf(Exception.class);
        }
    }

    private static boolean portIsFree(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
