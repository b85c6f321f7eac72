package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coordinator.spring.actuator.CoordinatorConfigHealthIndicator;
import io.coordinator.spring.actuator.CoordinatorEndpoint;
import io.coordinator.spring.test.ConfigClientApp;
import io.coordinator.spring.test.CoordinatorServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** A malformed document keeps its last good values; every other node of its context keeps applying. */
@Timeout(180)
@ExtendWith(OutputCaptureExtension.class)
class BadDocumentTest {
    @RegisterExtension
    static final CoordinatorServerExtension server = new CoordinatorServerExtension();

    public static class Settings {
        @Value("${shop.title:no-title}")
        volatile String title;

        @Value("${color:no-color}")
        volatile String color;

        @Value("${size:0}")
        volatile int size;
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        Settings settings() {
            return new Settings();
        }
    }

    private static ConfigurableApplicationContext start(Path copies) {
        return ConfigClientApp.run(
                App.class,
                "doc-app",
                server.connectString(),
                "--coordinator.client.registration.enabled=false",
                "--coordinator.client.config.local-copy=" + copies,
                "--management.endpoints.web.exposure.include=coordinator");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> broken(Health health) {
        Map<String, Object> contexts = (Map<String, Object>) health.getDetails().get("contexts");
        Map<String, Object> context = (Map<String, Object>) contexts.get("/config/doc-app");
        return (Map<String, Object>) context.getOrDefault("broken", Map.of());
    }

    @Test
    void aMalformedDocumentKeepsItsLastGoodValuesAndNothingElseIsHeldBack(
            @TempDir Path copies, @TempDir Path empty, CapturedOutput output) throws Exception {
        server.set("/config/doc-app/a.yaml", "shop:\n  title: good\n");
        server.set("/config/doc-app/b.properties", "color=blue\n");
        server.set("/config/doc-app/size", "1");
        try (ConfigurableApplicationContext ctx = start(copies)) {
            Settings s = ctx.getBean(Settings.class);
            CoordinatorConfigHealthIndicator health = ctx.getBean(CoordinatorConfigHealthIndicator.class);
            assertThat(s.title).isEqualTo("good");
            assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);

            server.set("/config/doc-app/a.yaml", "shop:\n  title: [unclosed\n  other: x\n");
            server.set("/config/doc-app/b.properties", "color=red\n");
            server.set("/config/doc-app/size", "2");
            await().atMost(Duration.ofSeconds(20)).until(() -> s.size == 2 && "red".equals(s.color));
            assertThat(s.title).isEqualTo("good"); // last good value
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> output.getOut()
                            .contains("Configuration document /config/doc-app/a.yaml is malformed at line 3, column"));
            Health degraded = health.health(true);
            assertThat(degraded.getStatus()).isEqualTo(CoordinatorConfigHealthIndicator.DEGRADED);
            // a custom status: Spring Boot's default aggregation leaves the overall status UP
            assertThat(org.springframework.boot.health.actuate.endpoint.StatusAggregator.getDefault()
                            .getAggregateStatus(Status.UP, degraded.getStatus()))
                    .isEqualTo(Status.UP);
            assertThat(broken(degraded)).containsOnlyKeys("/config/doc-app/a.yaml");
            assertThat(broken(degraded).get("/config/doc-app/a.yaml").toString())
                    .startsWith("line 3, column");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> config = (List<Map<String, Object>>)
                    ctx.getBean(CoordinatorEndpoint.class).coordinator().get("config");
            assertThat(config)
                    .filteredOn(m -> m.get("path").equals("/config/doc-app"))
                    .singleElement()
                    .satisfies(m -> assertThat(String.valueOf(((Map<?, ?>) m.get("broken")).keySet()))
                            .isEqualTo("[/config/doc-app/a.yaml]"));

            // new instances while it is broken: the readable nodes, plus the local copy's last good values if any
            try (ConfigurableApplicationContext second = start(copies)) {
                Settings s2 = second.getBean(Settings.class);
                assertThat(List.of(s2.title, s2.color, s2.size)).containsExactly("good", "red", 2);
            }
            try (ConfigurableApplicationContext fresh = start(empty)) {
                Settings s3 = fresh.getBean(Settings.class);
                assertThat(List.of(s3.title, s3.color, s3.size)).containsExactly("no-title", "red", 2);
                assertThat(broken(fresh.getBean(CoordinatorConfigHealthIndicator.class)
                                .health(true)))
                        .containsOnlyKeys("/config/doc-app/a.yaml");
            }
            assertThat(output.getOut())
                    .contains("starting with its readable nodes; malformed {/config/doc-app/a.yaml=line 3");

            // fixed: applies, and health is UP again
            server.set("/config/doc-app/a.yaml", "shop:\n  title: better\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> "better".equals(s.title));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> health.health(true).getStatus().equals(Status.UP));
        }
    }
}
