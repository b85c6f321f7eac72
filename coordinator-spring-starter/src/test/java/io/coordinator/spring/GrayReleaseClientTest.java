package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coordinator.config.format.gray.GrayRelease;
import io.coordinator.config.format.gray.GraySelector;
import io.coordinator.spring.actuator.CoordinatorEndpoint;
import io.coordinator.spring.autoconfigure.CoordinatorIdentity;
import io.coordinator.spring.config.CoordinatorConfigChangedEvent;
import io.coordinator.spring.config.CoordinatorConfigWatcher;
import io.coordinator.spring.config.CoordinatorPropertySource;
import io.coordinator.spring.config.GrayStatus;
import io.coordinator.spring.test.ConfigClientApp;
import io.coordinator.spring.test.CoordinatorServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Gray releases as the starter applies them: the release node ({@link GrayRelease#encode()}) written with the
 * ZooKeeper client as the server writes it, a real server, applications that import their configuration.
 */
@Timeout(180)
@ExtendWith(OutputCaptureExtension.class)
class GrayReleaseClientTest {
    @RegisterExtension
    static final CoordinatorServerExtension server = new CoordinatorServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static GrayRelease release(String id, String context, GraySelector selector, Map<String, String> set) {
        return new GrayRelease(id, context, 1, "tester", "2026-12-06T17:00:00Z", "test", selector, set, List.of());
    }

    private static GraySelector instances(String... ids) {
        return new GraySelector(List.of(ids), null, null, null, null, null);
    }

    private static GraySelector labels(Map<String, String> labels) {
        return new GraySelector(null, null, null, null, labels, null);
    }

    private static void writeGray(GrayRelease release) throws Exception {
        server.admin()
                .create()
                .orSetData()
                .creatingParentsIfNeeded()
                .forPath(GrayRelease.path(release.context()), release.encode());
    }

    private static void deleteGray(String context) throws Exception {
        server.admin().delete().quietly().forPath(GrayRelease.path(context));
    }

    /** An application named {@code app}, instance {@code id}, registered at 127.0.0.1:9999 with {@code more}. */
    private static ConfigurableApplicationContext app(String app, String id, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--coordinator.client.registration.instance-id=" + id,
                "--coordinator.client.registration.host=127.0.0.1",
                "--coordinator.client.registration.port=9999",
                "--coordinator.client.config.local-copy-enabled=false",
                "--management.endpoints.web.exposure.include=coordinator"));
        args.addAll(List.of(more));
        return ConfigClientApp.run(GreeterApp.class, app, server.connectString(), args.toArray(new String[0]));
    }

    private static String greeting(ConfigurableApplicationContext ctx) {
        return ctx.getBean(GreeterApp.Greeter.class).greeting;
    }

    private static GrayStatus gray(ConfigurableApplicationContext ctx, String context) {
        return ctx.getBean(CoordinatorConfigWatcher.class).sources().stream()
                .filter(s -> s.path().equals("/config/" + context))
                .findFirst()
                .map(CoordinatorPropertySource::gray)
                .orElseThrow();
    }

    private static JsonNode metadata(String app, String id) throws Exception {
        byte[] data = server.admin().getData().forPath("/services/" + app + "/" + id);
        return JSON.readTree(data).path("payload").path("metadata");
    }

    private static List<CoordinatorConfigChangedEvent> events(ConfigurableApplicationContext ctx) {
        List<CoordinatorConfigChangedEvent> seen = new CopyOnWriteArrayList<>();
        ctx.addApplicationListener((ApplicationListener<CoordinatorConfigChangedEvent>) seen::add);
        return seen;
    }

    @Test
    void aReleaseByLabelReachesTheLabelledInstanceLiveAndAnAbortBringsItBack(CapturedOutput output) throws Exception {
        server.set("/config/gl-app/greeting", "main");
        server.set("/config/gl-app/audience", "all");
        try (ConfigurableApplicationContext canary =
                        app("gl-app", "gl-1", "--coordinator.client.registration.metadata.canary=true");
                ConfigurableApplicationContext other = app("gl-app", "gl-2")) {
            await().atMost(PATIENCE).until(() -> server.admin().checkExists().forPath("/services/gl-app/gl-2") != null);
            List<CoordinatorConfigChangedEvent> events = events(canary);
            String mainVersion =
                    metadata("gl-app", "gl-1").path("config.gl-app").asText();

            writeGray(release("r-label", "gl-app", labels(Map.of("canary", "true")), Map.of("greeting", "gray")));
            await().atMost(PATIENCE).until(() -> "gray".equals(greeting(canary)));
            assertThat(canary.getEnvironment().getProperty("audience")).isEqualTo("all"); // untouched keys: main
            assertThat(gray(canary, "gl-app")).isEqualTo(new GrayStatus("r-label", true, null));
            await().atMost(PATIENCE)
                    .until(() -> "r-label"
                            .equals(metadata("gl-app", "gl-1")
                                    .path("gray.gl-app")
                                    .asText(null)));
            long grayZxid = server.admin()
                    .checkExists()
                    .forPath(GrayRelease.path("gl-app"))
                    .getMzxid();
            assertThat(metadata("gl-app", "gl-1").path("config.gl-app").asText())
                    .isEqualTo("0x" + Long.toHexString(grayZxid))
                    .isNotEqualTo(mainVersion);
            assertThat(events).anyMatch(e -> e.keys().contains("greeting"));
            assertThat(output).contains("this instance now runs gray release r-label");

            // the other instance read the release too and keeps main
            await().atMost(PATIENCE)
                    .until(() -> "r-label".equals(gray(other, "gl-app").release()));
            assertThat(gray(other, "gl-app").selected()).isFalse();
            assertThat(greeting(other)).isEqualTo("main");
            assertThat(metadata("gl-app", "gl-2").has("gray.gl-app")).isFalse();
            @SuppressWarnings("unchecked")
            Map<String, Object> shown = ((List<Map<String, Object>>) canary.getBean(CoordinatorEndpoint.class)
                            .coordinator()
                            .get("config"))
                    .stream()
                            .filter(m -> m.get("path").equals("/config/gl-app"))
                            .findFirst()
                            .orElseThrow();
            assertThat(shown.get("gray")).isEqualTo(Map.of("release", "r-label", "selected", true));

            // a publish of main during the release reaches the gray instance for the keys the release leaves alone
            server.set("/config/gl-app/audience", "everyone");
            await().atMost(PATIENCE)
                    .until(() -> "everyone".equals(canary.getEnvironment().getProperty("audience")));
            assertThat(greeting(canary)).isEqualTo("gray");

            // abort: the node goes, the instance is back on main and says so
            deleteGray("gl-app");
            await().atMost(PATIENCE).until(() -> "main".equals(greeting(canary)));
            assertThat(gray(canary, "gl-app")).isEqualTo(GrayStatus.NONE);
            await().atMost(PATIENCE).until(() -> !metadata("gl-app", "gl-1").has("gray.gl-app"));
            assertThat(Long.decode(
                            metadata("gl-app", "gl-1").path("config.gl-app").asText()))
                    .isGreaterThan(grayZxid);
            assertThat(output).contains("this instance is back on the main version (gray release r-label ended)");
            assertThat(greeting(other)).isEqualTo("main");
        }
    }

    @Test
    void promoteKeepsTheGrayValuesAndEndsTheRelease() throws Exception {
        server.set("/config/gp-app/greeting", "main");
        try (ConfigurableApplicationContext ctx = app("gp-app", "gp-1")) {
            writeGray(release("r-promote", "gp-app", instances("gp-1"), Map.of("greeting", "next")));
            await().atMost(PATIENCE).until(() -> "next".equals(greeting(ctx)));
            // promote as the server does it: the new main values and the end of the release in one transaction
            CuratorFramework admin = server.admin();
            admin.transaction()
                    .forOperations(
                            admin.transactionOp()
                                    .setData()
                                    .forPath("/config/gp-app/greeting", "next".getBytes(StandardCharsets.UTF_8)),
                            admin.transactionOp().delete().forPath(GrayRelease.path("gp-app")));
            await().atMost(PATIENCE).until(() -> gray(ctx, "gp-app").release() == null);
            assertThat(greeting(ctx)).isEqualTo("next");
            await().atMost(PATIENCE).until(() -> !metadata("gp-app", "gp-1").has("gray.gp-app"));
        }
    }

    @Test
    void aPercentageSelectsTheSameInstancesAndKeepsThemWhenWidened() throws Exception {
        server.set("/config/gpc-app/greeting", "main");
        String release = "r-percent";
        // two instances, one in the lowest buckets of this release and one in higher ones
        String low = null;
        String high = null;
        for (int i = 0; low == null || high == null; i++) {
            int bucket = GraySelector.bucket(release, "gpc-" + i);
            if (bucket < 30 && low == null) {
                low = "gpc-" + i;
            } else if (bucket >= 60 && bucket < 90 && high == null) {
                high = "gpc-" + i;
            }
        }
        int highBucket = GraySelector.bucket(release, high);
        try (ConfigurableApplicationContext in = app("gpc-app", low);
                ConfigurableApplicationContext out = app("gpc-app", high)) {
            writeGray(release(
                    release,
                    "gpc-app",
                    new GraySelector(null, null, null, null, null, 30),
                    Map.of("greeting", "gray")));
            await().atMost(PATIENCE).until(() -> "gray".equals(greeting(in)));
            await().atMost(PATIENCE)
                    .until(() -> release.equals(gray(out, "gpc-app").release()));
            assertThat(greeting(out)).isEqualTo("main");

            // widened (same release id): the instance already on gray stays, the other joins
            writeGray(release(
                    release,
                    "gpc-app",
                    new GraySelector(null, null, null, null, null, highBucket + 1),
                    Map.of("greeting", "gray-2")));
            await().atMost(PATIENCE).until(() -> "gray-2".equals(greeting(in)) && "gray-2".equals(greeting(out)));
        }
    }

    @Test
    void aSelectedInstanceStartsOnItsGrayVersion() throws Exception {
        server.set("/config/gs-app/greeting", "main");
        writeGray(release("r-start", "gs-app", labels(Map.of("canary", "true")), Map.of("greeting", "gray")));
        try (ConfigurableApplicationContext ctx =
                app("gs-app", "gs-1", "--coordinator.client.registration.metadata.canary=true")) {
            assertThat(greeting(ctx)).isEqualTo("gray"); // at startup, before any watch fired
            await().atMost(PATIENCE).until(() -> server.admin().checkExists().forPath("/services/gs-app/gs-1") != null);
            await().atMost(PATIENCE)
                    .until(() -> "r-start"
                            .equals(metadata("gs-app", "gs-1")
                                    .path("gray.gs-app")
                                    .asText(null)));
        }
        try (ConfigurableApplicationContext ctx = app("gs-app", "gs-2")) {
            assertThat(greeting(ctx)).isEqualTo("main");
        }
    }

    /**
     * Without a configured instance id the id a release selects at startup is the one the instance registers with:
     * generated once, before the configuration is read.
     */
    @Test
    void aGeneratedInstanceIdIsTheSameAtStartupAndInTheRegistration() throws Exception {
        server.set("/config/gid-app/greeting", "main");
        // 100 %: selects every instance; what matters is which id the startup used
        writeGray(release(
                "r-gid",
                "gid-app",
                new GraySelector(null, null, null, List.of("gid-app"), null, 100),
                Map.of("greeting", "gray")));
        try (ConfigurableApplicationContext ctx = ConfigClientApp.run(
                GreeterApp.class,
                "gid-app",
                server.connectString(),
                "--coordinator.client.registration.host=127.0.0.1",
                "--coordinator.client.registration.port=9999",
                "--coordinator.client.config.local-copy-enabled=false")) {
            String id = ctx.getBean(CoordinatorIdentity.class).instanceId();
            assertThat(id).startsWith("gid-app-");
            assertThat(ctx.getEnvironment().getProperty("coordinator.client.registration.instance-id"))
                    .isEqualTo(id);
            assertThat(greeting(ctx)).isEqualTo("gray");
            // selecting exactly that id keeps it on gray through the update
            writeGray(release("r-gid", "gid-app", instances(id), Map.of("greeting", "gray-by-id")));
            await().atMost(PATIENCE).until(() -> "gray-by-id".equals(greeting(ctx)));
        } finally {
            deleteGray("gid-app");
        }
    }

    /** An address selector is applied again once the instance registered the address the application did not set. */
    @Test
    void anAddressSelectorMatchesOnceTheInstanceIsRegistered() throws Exception {
        String host;
        try (InetUtils inet = new InetUtils(new InetUtilsProperties())) {
            host = inet.findFirstNonLoopbackHostInfo().getIpAddress();
        }
        server.set("/config/ga-app/greeting", "main");
        writeGray(release(
                "r-address",
                "ga-app",
                new GraySelector(null, List.of(host + ":9998"), null, null, null, null),
                Map.of("greeting", "gray")));
        try (ConfigurableApplicationContext ctx = ConfigClientApp.run(
                GreeterApp.class,
                "ga-app",
                server.connectString(),
                "--coordinator.client.registration.instance-id=ga-1",
                "--coordinator.client.registration.port=9998",
                "--coordinator.client.config.local-copy-enabled=false")) {
            await().atMost(PATIENCE).until(() -> "gray".equals(greeting(ctx)));
            await().atMost(PATIENCE)
                    .until(() -> "r-address"
                            .equals(metadata("ga-app", "ga-1")
                                    .path("gray.ga-app")
                                    .asText(null)));
        }
    }

    @Test
    void aBrokenReleaseNodeRunsMainAndSaysWhyOnce(CapturedOutput output) throws Exception {
        server.set("/config/gb-app/greeting", "main");
        server.set(GrayRelease.path("gb-app"), "release: [unclosed");
        try (ConfigurableApplicationContext ctx = app("gb-app", "gb-1")) {
            assertThat(greeting(ctx)).isEqualTo("main");
            assertThat(gray(ctx, "gb-app").problem()).contains("/coordinator/gray/gb-app does not decode");
            assertThat(output).contains("/coordinator/gray/gb-app does not decode");

            // another broken form (no id): main still, and a new warning naming the new reason
            server.set(GrayRelease.path("gb-app"), "selector: {percent: 50}\n");
            await().atMost(PATIENCE).until(() -> gray(ctx, "gb-app").problem().contains("a gray release needs an id"));
            assertThat(greeting(ctx)).isEqualTo("main");
            Supplier<Long> warnings = () -> output.getAll()
                    .lines()
                    .filter(l -> l.contains("WARN") && l.contains("a gray release needs an id"))
                    .count();
            // a change elsewhere in the context re-reads the node: no second warning for the same reason
            server.set("/config/gb-app/audience", "x");
            await().atMost(PATIENCE).until(() -> "x".equals(ctx.getEnvironment().getProperty("audience")));
            assertThat(warnings.get()).isEqualTo(1);

            // repaired: applies
            writeGray(release("r-fixed", "gb-app", instances("gb-1"), Map.of("greeting", "gray")));
            await().atMost(PATIENCE).until(() -> "gray".equals(greeting(ctx)));
            assertThat(gray(ctx, "gb-app").problem()).isNull();
        } finally {
            deleteGray("gb-app");
        }
    }

    @Test
    void aReleaseThisInstanceMayNotReadIsNoRelease(CapturedOutput output) throws Exception {
        server.set("/config/gn-app/greeting", "main");
        List<ACL> ownerOnly = List.of(new ACL(
                ZooDefs.Perms.ALL,
                new Id("digest", DigestAuthenticationProvider.generateDigest("gray-owner:gray-owner-pw"))));
        try (CuratorFramework owner = CuratorFrameworkFactory.builder()
                .connectString(server.connectString())
                .retryPolicy(new RetryOneTime(200))
                .authorization("digest", "gray-owner:gray-owner-pw".getBytes(StandardCharsets.UTF_8))
                .build()) {
            owner.start();
            owner.create()
                    .creatingParentsIfNeeded()
                    .withACL(ownerOnly)
                    .forPath(
                            GrayRelease.path("gn-app"),
                            release("r-closed", "gn-app", instances("gn-1"), Map.of("greeting", "gray"))
                                    .encode());
            try (ConfigurableApplicationContext ctx = app("gn-app", "gn-1")) {
                assertThat(greeting(ctx)).isEqualTo("main");
                assertThat(gray(ctx, "gn-app").problem()).contains("not allowed to read /coordinator/gray/gn-app");
                assertThat(output).contains("not allowed to read /coordinator/gray/gn-app");
            }
            owner.delete().forPath(GrayRelease.path("gn-app"));
        }
    }
}
