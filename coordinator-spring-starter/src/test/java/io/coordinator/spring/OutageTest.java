package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.coordinator.spring.actuator.CoordinatorConfigHealthIndicator;
import io.coordinator.spring.actuator.CoordinatorHealthIndicator;
import io.coordinator.spring.test.CoordinatorServerExtension;
import io.coordinator.testsupport.FaultProxy;
import io.coordinator.testsupport.LoopbackPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/** Starting and running without a server: local copies, optional imports, recovery when the server answers. */
@Timeout(180)
class OutageTest {
    @RegisterExtension
    static final CoordinatorServerExtension server = new CoordinatorServerExtension();

    private static ConfigurableApplicationContext start(String app, String connect, Path copies, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.application.name=" + app,
                "--coordinator.client.connect-string=" + connect,
                "--coordinator.client.connection-timeout=1s",
                "--coordinator.client.session-timeout=4s",
                "--coordinator.client.config.local-copy=" + copies,
                "--coordinator.client.registration.host=127.0.0.1",
                "--coordinator.client.registration.port=9999"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(GreeterApp.class)
                .web(WebApplicationType.NONE)
                .run(args.toArray(new String[0]));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> context(Health health, String path) {
        return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("contexts")).get(path);
    }

    @Test
    void startsFromTheLocalCopyAndAppliesTheServerAsSoonAsItAnswers(@TempDir Path copies) throws Exception {
        server.set("/config/outage-app/greeting", "hello-1");
        try (FaultProxy proxy = new FaultProxy(server.port())) {
            try (ConfigurableApplicationContext ctx = start(
                    "outage-app", proxy.connectString(), copies, "--spring.config.import=optional:coordinator:")) {
                assertThat(ctx.getBean(GreeterApp.Greeter.class).greeting).isEqualTo("hello-1");
            }
            proxy.partition();
            server.set("/config/outage-app/greeting", "hello-2");
            server.set("/config/outage-app/audience", "everyone");
            try (ConfigurableApplicationContext ctx = start(
                    "outage-app", proxy.connectString(), copies, "--spring.config.import=optional:coordinator:")) {
                GreeterApp.Greeter g = ctx.getBean(GreeterApp.Greeter.class);
                assertThat(g.greeting).isEqualTo("hello-1"); // the local copy
                assertThat(g.audience).isEqualTo("default-audience");
                Health degraded =
                        ctx.getBean(CoordinatorConfigHealthIndicator.class).health(true);
                assertThat(degraded.getStatus()).isEqualTo(CoordinatorConfigHealthIndicator.DEGRADED);
                assertThat(context(degraded, "/config/outage-app"))
                        .containsEntry("source", "local-copy")
                        .containsKey("age");

                long healed = System.nanoTime();
                proxy.heal();
                // a bound for liveness only: the time is measured and printed, not asserted (the machine may be busy)
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> "hello-2".equals(g.greeting) && "everyone".equals(g.audience));
                System.out.printf(
                        "outage-app: server available -> config applied in %d ms%n",
                        (System.nanoTime() - healed) / 1_000_000);
                CoordinatorConfigHealthIndicator health = ctx.getBean(CoordinatorConfigHealthIndicator.class);
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> health.health(true).getStatus().equals(Status.UP));
                Health up = health.health(true);
                assertThat(context(up, "/config/outage-app")).containsEntry("source", "server");
                // registration comes back too
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> !server.admin()
                                .getChildren()
                                .forPath("/services/outage-app")
                                .isEmpty());
            }
        }
    }

    @Test
    void withNoCopyStartsWithDefaultsWhenOptionalAndFailsClearlyOtherwise(@TempDir Path copies) throws Exception {
        server.set("/config/fresh-app/greeting", "from-server");
        try (FaultProxy proxy = new FaultProxy(server.port())) {
            proxy.partition();
            assertThatThrownBy(() ->
                            start("fresh-app", proxy.connectString(), copies, "--spring.config.import=coordinator:"))
                    .hasStackTraceContaining("Coordinator configuration unavailable: no server answered at "
                            + "coordinator.client.connect-string=" + proxy.connectString())
                    .hasStackTraceContaining("no local copy at " + copies);
            try (ConfigurableApplicationContext ctx =
                    start("fresh-app", proxy.connectString(), copies, "--spring.config.import=optional:coordinator:")) {
                GreeterApp.Greeter g = ctx.getBean(GreeterApp.Greeter.class);
                assertThat(g.greeting).isEqualTo("default-greeting");
                Health none =
                        ctx.getBean(CoordinatorConfigHealthIndicator.class).health(true);
                assertThat(none.getStatus()).isEqualTo(CoordinatorConfigHealthIndicator.DEGRADED);
                assertThat(context(none, "/config/fresh-app")).containsEntry("source", "none");
                // the connection's own health: no session yet
                assertThat(ctx.getBean(CoordinatorHealthIndicator.class)
                                .health(true)
                                .getStatus())
                        .isEqualTo(Status.DOWN);

                long healed = System.nanoTime();
                proxy.heal();
                // a bound for liveness only: the time is measured and printed, not asserted (the machine may be busy)
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> "from-server".equals(g.greeting));
                System.out.printf(
                        "fresh-app: server available -> config applied in %d ms%n",
                        (System.nanoTime() - healed) / 1_000_000);
            }
        }
    }

    @Test
    void badConnectStringsAreNamedAtOnce(@TempDir Path copies) throws Exception {
        assertThatThrownBy(() ->
                        start("bad-app", "127.0.0.1:21x81", copies, "--spring.config.import=optional:coordinator:"))
                .hasStackTraceContaining(
                        "coordinator.client.connect-string=127.0.0.1:21x81: the port of '127.0.0.1:21x81'"
                                + " is not a number");
        assertThatThrownBy(() ->
                        start("bad-app", "no-such-host.invalid:2181", copies, "--spring.config.import=coordinator:"))
                .hasStackTraceContaining("unknown host no-such-host.invalid in coordinator.client.connect-string");
        int dead = LoopbackPorts.next();
        assertThatThrownBy(() ->
                        start("bad-app", "127.0.0.1:" + dead, copies, "--spring.config.import=coordinator:127.0.0.1:x"))
                .hasStackTraceContaining("spring.config.import=127.0.0.1:x: the port of '127.0.0.1:x' is not a number");
        // without config import, the main client checks its own property
        assertThatThrownBy(() -> start("bad-app", "127.0.0.1:", copies))
                .hasStackTraceContaining("coordinator.client.connect-string=127.0.0.1:: the port of '127.0.0.1:'");
    }
}
