package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coordinator.spring.actuator.CoordinatorEndpoint;
import io.coordinator.spring.config.CoordinatorConfigChangedEvent;
import io.coordinator.spring.config.CoordinatorConfigWatcher;
import io.coordinator.spring.test.ConfigClientApp;
import io.coordinator.spring.test.CoordinatorServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Keys removed from Coordinator fall back to the next source (default properties here, application.yml in an
 * app) or to the code's default; bindings fixed at creation (constructor parameters, records) are named.
 */
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
class ConfigRemovalAndFrozenBindingsTest {
    @RegisterExtension
    static final CoordinatorServerExtension server = new CoordinatorServerExtension();

    @ConfigurationProperties("limits")
    public static class LimitsProperties {
        private int max = 10;
        private String label = "code-default";
        private List<String> tags = new ArrayList<>();
        private final Window window = new Window();

        public int getMax() {
            return max;
        }

        public void setMax(int max) {
            this.max = max;
        }

        public String getLabel() {
            return label;
        }

        public void setLabel(String label) {
            this.label = label;
        }

        public List<String> getTags() {
            return tags;
        }

        public void setTags(List<String> tags) {
            this.tags = tags;
        }

        public Window getWindow() {
            return window;
        }

        public static class Window {
            private int size = 3;

            public int getSize() {
                return size;
            }

            public void setSize(int size) {
                this.size = size;
            }
        }
    }

    /** Constructor-bound: cannot be changed in place. */
    @ConfigurationProperties("frozen")
    public record FrozenProperties(int level) {}

    public static class Rates {
        @Value("${del.rate:0.5}")
        volatile double rate;

        final double rateAtCreation;

        public Rates(@Value("${del.rate:0.5}") double rateAtCreation) {
            this.rateAtCreation = rateAtCreation;
        }
    }

    public static class Events implements ApplicationListener<CoordinatorConfigChangedEvent> {
        final List<CoordinatorConfigChangedEvent> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onApplicationEvent(CoordinatorConfigChangedEvent event) {
            seen.add(event);
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableConfigurationProperties({LimitsProperties.class, FrozenProperties.class})
    @Import(Rates.class)
    static class App {
        @Bean
        StringBuilder rateLabel(@Value("${del.rate:0.5}") double rate) {
            return new StringBuilder("rate " + rate);
        }

        @Bean
        Events events() {
            return new Events();
        }
    }

    static String notRefreshed(ConfigurableApplicationContext ctx) {
        return String.valueOf(
                ctx.getBean(CoordinatorEndpoint.class).coordinator().get("notRefreshed"));
    }

    static CoordinatorConfigChangedEvent awaitEventWith(List<CoordinatorConfigChangedEvent> events, String key) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> events.stream().anyMatch(e -> e.keys().contains(key)));
        return events.stream().filter(e -> e.keys().contains(key)).findFirst().orElseThrow();
    }

    @Test
    void removedKeysFallBackAndFrozenBindingsAreNamed(CapturedOutput output) throws Exception {
        server.set("/config/del-app/limits.max", "50");
        server.set("/config/del-app/del.rate", "0.9");
        server.set("/config/del-app/frozen.level", "3");
        server.set("/config/del-app/limits.yaml", "limits:\n  label: doc\n  window:\n    size: 9\n  tags: [x, y]\n");
        try (ConfigurableApplicationContext ctx = ConfigClientApp.builder(App.class)
                // the next source below Coordinator's, as application.yml would be
                .properties("limits.max=20")
                .run(ConfigClientApp.args(
                        "del-app",
                        server.connectString(),
                        "--coordinator.client.registration.enabled=false",
                        "--management.endpoints.web.exposure.include=coordinator"))) {
            LimitsProperties limits = ctx.getBean(LimitsProperties.class);
            Rates rates = ctx.getBean(Rates.class);
            List<CoordinatorConfigChangedEvent> events = ctx.getBean(Events.class).seen;
            assertThat(limits.getMax()).isEqualTo(50);
            assertThat(limits.getWindow().getSize()).isEqualTo(9);
            assertThat(limits.getTags()).containsExactly("x", "y");
            assertThat(rates.rate).isEqualTo(0.9);
            assertThat(rates.rateAtCreation).isEqualTo(0.9);
            assertThat(notRefreshed(ctx))
                    .contains("rateAtCreation")
                    .contains("rateLabel")
                    .contains("frozen");

            // one property node deleted: the lower source applies again, to @ConfigurationProperties ...
            long versionBefore = ctx.getBean(CoordinatorConfigWatcher.class).sources().stream()
                    .filter(src -> src.path().equals("/config/del-app"))
                    .findFirst()
                    .orElseThrow()
                    .version();
            server.admin().delete().forPath("/config/del-app/limits.max");
            // published after beans were updated; a deletion moves the version forward too
            assertThat(awaitEventWith(events, "limits.max").version()).isGreaterThan(versionBefore);
            assertThat(limits.getMax()).isEqualTo(20);
            assertThat(ctx.getEnvironment().getProperty("limits.max")).isEqualTo("20");

            // ... and to @Value, whose ${del.rate:0.5} default applies
            server.admin().delete().forPath("/config/del-app/del.rate");
            awaitEventWith(events, "del.rate");
            assertThat(rates.rate).isEqualTo(0.5);
            assertThat(rates.rateAtCreation).isEqualTo(0.9); // a constructor parameter keeps its value

            // keys removed from a whole document: the code's defaults come back, the others stay
            server.set("/config/del-app/limits.yaml", "limits:\n  label: doc2\n");
            CoordinatorConfigChangedEvent docChange = awaitEventWith(events, "limits.label");
            assertThat(docChange.keys()).contains("limits.window.size", "limits.tags[0]", "limits.tags[1]");
            assertThat(limits.getLabel()).isEqualTo("doc2");
            assertThat(limits.getWindow().getSize()).isEqualTo(3);
            assertThat(limits.getTags()).isEmpty();
            assertThat(limits.getMax()).isEqualTo(20);
            assertThat(ctx.getBean(LimitsProperties.class)).isSameAs(limits);

            // bindings fixed at creation: named once at startup, in the endpoint and in change events
            assertThat(output)
                    .contains("constructor parameter rateAtCreation @Value(\"${del.rate:0.5}\") uses [del.rate]")
                    .contains("Bean 'rateLabel' @Bean method rateLabel(..) parameter rate")
                    .contains("@ConfigurationProperties(\"frozen\") uses [frozen.level]");
            List<Map<String, Object>> frozen =
                    ctx.getBean(CoordinatorConfigWatcher.class).describeFrozen();
            assertThat(frozen).anySatisfy(m -> {
                assertThat(m.get("source")).isEqualTo("@ConfigurationProperties(\"frozen\")");
                assertThat(m.get("coordinatorKeys")).asString().contains("frozen.level");
            });
            // del.rate no longer comes from Coordinator, so its constructor parameter is no longer listed
            assertThat(notRefreshed(ctx)).contains("frozen").doesNotContain("rateAtCreation");
            server.set("/config/del-app/frozen.level", "4");
            CoordinatorConfigChangedEvent change = awaitEventWith(events, "frozen.level");
            assertThat(change.notRefreshed()).anyMatch(s -> s.contains("@ConfigurationProperties(\"frozen\")"));
            assertThat(ctx.getBean(FrozenProperties.class).level()).isEqualTo(3); // honest: unchanged
            assertThat(output).contains("NOT applied to");
        } finally {
            server.admin().delete().quietly().deletingChildrenIfNeeded().forPath("/config/del-app");
        }
    }
}
