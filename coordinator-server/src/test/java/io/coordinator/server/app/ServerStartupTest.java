package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.testsupport.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The Spring Boot app as an operator meets it: startup, health, property validation, zoo.cfg import. */
class ServerStartupTest {
    @TempDir
    Path dir;

    static int freePort() throws IOException {
        return LoopbackPorts.next();
    }

    private ConfigurableApplicationContext start(String... args) {
        return new SpringApplicationBuilder(CoordinatorApplication.class).run(onLoopback(args));
    }

    /** The arguments, after those that put the web server on an ephemeral loopback port. */
    private static String[] onLoopback(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--server.port=0";
        all[1] = "--server.address=127.0.0.1";
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    /** Starts on this test's data dir with these variables as the whole system environment. */
    private ConfigurableApplicationContext startWithEnvironment(Map<String, ?> variables) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.copyOf(variables)));
        return new SpringApplicationBuilder(CoordinatorApplication.class)
                .environment(env)
                .run(onLoopback("--coordinator.data-dir=" + dir, "--coordinator.client-port=0"));
    }

    @Test
    void servesClientsAndReportsHealthyThenKeepsDataAcrossRestart() throws Exception {
        int port = freePort();
        String[] args = {"--coordinator.client-port=" + port, "--coordinator.data-dir=" + dir};
        try (ConfigurableApplicationContext ctx = start(args)) {
            int http = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            HttpResponse<String> health = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + http + "/actuator/health/readiness"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").contains("standalone");

            ZooKeeper zk = TestClients.connect("127.0.0.1:" + port);
            try {
                zk.create("/kept", "v1".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.setData("/kept", "v2".getBytes(), 0);
            } finally {
                zk.close();
            }
        }
        try (ConfigurableApplicationContext ctx = start(args)) {
            ZooKeeper zk = TestClients.connect("127.0.0.1:" + port);
            try {
                Stat stat = new Stat();
                assertThat(new String(zk.getData("/kept", false, stat))).isEqualTo("v2");
                assertThat(stat.getVersion()).isEqualTo(1);
            } finally {
                zk.close();
            }
        }
    }

    @Test
    void refusesAnUnknownPropertyNamingIt() {
        assertThatThrownBy(() -> start(
                        "--coordinator.data-dir=" + dir, "--coordinator.client-port=0", "--coordinator.tick-tme=100"))
                .hasStackTraceContaining("coordinator.tick-tme");
    }

    @Test
    void refusesAnInvalidValueNamingTheProperty() {
        assertThatThrownBy(() -> start(
                        "--coordinator.data-dir=" + dir,
                        "--coordinator.client-port=0",
                        "--coordinator.four-letter-words=ruok,bogus"))
                .hasStackTraceContaining("coordinator.four-letter-words");
        assertThatThrownBy(() -> start("--coordinator.data-dir=" + dir, "--coordinator.client-port=70000"))
                .hasStackTraceContaining("coordinator.client-port");
    }

    @Test
    void startsFromAZooCfg() throws Exception {
        int port = freePort();
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(
                cfg,
                String.join(
                        "\n",
                        "# a ZooKeeper config",
                        "tickTime=500",
                        "dataDir=" + dir.resolve("zkdata"),
                        "clientPort=" + port,
                        "clientPortAddress=127.0.0.1",
                        "initLimit=5",
                        "4lw.commands.whitelist=ruok, srvr",
                        ""));
        try (ConfigurableApplicationContext ctx = start("--coordinator.zoo-cfg=" + cfg)) {
            CoordinatorProperties props = ctx.getBean(CoordinatorProperties.class);
            assertThat(props.tickTime()).isEqualTo(500);
            assertThat(props.clientPort()).isEqualTo(port);
            assertThat(props.enabledFourLetterWords()).containsExactlyInAnyOrder("ruok", "srvr");
            assertThat(CoordinatorPropertiesBindingTest.bind(Map.of()).enabledFourLetterWords())
                    .containsExactly("*");
            assertThat(Files.isDirectory(dir.resolve("zkdata"))).isTrue();
            ZooKeeper zk = TestClients.connect("127.0.0.1:" + port);
            try {
                assertThat(zk.getSessionTimeout()).isBetween(1000, 10000);
            } finally {
                zk.close();
            }
        }
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void warnsAboutEveryZooCfgKeyItDoesNotApplyNamingTheKeyAndTheFile(CapturedOutput output) throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(
                cfg,
                String.join(
                        "\n",
                        "dataDir=" + dir.resolve("zkdata"),
                        "clientPort=" + freePort(),
                        "clientPortAddress=127.0.0.1",
                        "reconfigEnabled=false",
                        "authProvider.1=org.apache.zookeeper.server.auth.DigestAuthenticationProvider",
                        "jaasLoginRenew=3600000",
                        "admin.commandURL=/commands",
                        "peerType=participant",
                        "ssl.hostnameVerification=false",
                        ""));
        try (ConfigurableApplicationContext ctx = start("--coordinator.zoo-cfg=" + cfg)) {
            for (String key :
                    new String[] {"jaasLoginRenew", "admin.commandURL", "peerType", "ssl.hostnameVerification"}) {
                assertThat(output.getAll()
                                .lines()
                                .filter(l -> l.contains("WARN")
                                        && l.contains("'" + key + "'")
                                        && l.contains(cfg.toString())))
                        .as(key)
                        .hasSize(1);
            }
        }
    }

    @Test
    void refusesAnUnknownSettingFromTheEnvironmentNamingTheVariable() {
        assertThatThrownBy(() -> startWithEnvironment(Map.of("COORDINATOR_JAR", "/opt/coordinator.jar")))
                .hasStackTraceContaining("Unknown Coordinator setting: coordinator.jar")
                .hasStackTraceContaining("COORDINATOR_JAR");
    }

    /**
     * A setting of more than one word from its variable (COORDINATOR_TICK_TIME, as the container image's
     * COORDINATOR_DATA_DIR): bound, not refused as an unknown coordinator.tick.time.
     */
    @Test
    void takesMultiWordSettingsFromEnvironmentVariables() {
        try (ConfigurableApplicationContext ctx = startWithEnvironment(
                Map.of("COORDINATOR_TICK_TIME", "500", "COORDINATOR_MAX_CLIENT_CONNECTIONS", "7"))) {
            CoordinatorProperties props = ctx.getBean(CoordinatorProperties.class);
            assertThat(props.tickTime()).isEqualTo(500);
            assertThat(props.maxClientConnections()).isEqualTo(7);
        }
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void onlyWarnsAboutKubernetesServiceLinkVariables(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext ctx = startWithEnvironment(KubernetesServiceLinks.VARIABLES)) {
            assertThat(ctx.getBean(CoordinatorServer.class).isServing()).isTrue();
            for (String variable : KubernetesServiceLinks.VARIABLES.keySet()) {
                assertThat(output.getAll()).contains("Ignoring environment variable " + variable + ":");
            }
        }
    }

    @Test
    void refusesAZooCfgWithATypo() throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "tickTime=500\nclientPrt=2181\n");
        assertThatThrownBy(() -> start("--coordinator.zoo-cfg=" + cfg))
                .hasStackTraceContaining("zoo.cfg:2: unknown zoo.cfg key 'clientPrt'");
    }
}
