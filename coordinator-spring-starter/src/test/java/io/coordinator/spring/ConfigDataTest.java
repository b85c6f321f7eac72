package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.coordinator.spring.config.CoordinatorConfigChangedEvent;
import io.coordinator.spring.config.CoordinatorConfigWatcher;
import io.coordinator.spring.test.ConfigClientApp;
import io.coordinator.spring.test.CoordinatorServerExtension;
import io.coordinator.testsupport.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

@Timeout(180)
class ConfigDataTest {
    @RegisterExtension
    static final CoordinatorServerExtension server = new CoordinatorServerExtension();

    @BeforeAll
    static void seed() throws Exception {
        server.set("/config/application/greeting.prefix", "Hello");
        server.set("/config/application/name", "everyone");
        server.set("/config/cfg-app/name", "world");
        server.set("/config/cfg-app/app.yaml", "shop:\n  discount: 5\n  title: ${greeting.prefix} shop\n");
        server.set("/config/cfg-app,dev/name", "dev-world");
        server.set("/config/cfg-app/spring/application/admin", "x"); // nested nodes make dotted keys
    }

    @ConfigurationProperties("shop")
    public static class ShopProperties {
        private int discount;
        private String title;

        public int getDiscount() {
            return discount;
        }

        public void setDiscount(int discount) {
            this.discount = discount;
        }

        public String getTitle() {
            return title;
        }

        public void setTitle(String title) {
            this.title = title;
        }
    }

    @Component
    public static class Greeter {
        @Value("${name}")
        String name;

        @Value("#{'${shop.title}'.toUpperCase()}")
        String loudTitle;

        @Value("${missing.key:${greeting.prefix}}-default")
        String viaDefault;

        volatile int discount;

        @Value("${shop.discount}")
        public void setDiscount(int discount) {
            this.discount = discount;
        }

        String name() {
            return name;
        }

        String loudTitle() {
            return loudTitle;
        }

        String viaDefault() {
            return viaDefault;
        }

        int discount() {
            return discount;
        }
    }

    public static class Events implements ApplicationListener<CoordinatorConfigChangedEvent> {
        final List<CoordinatorConfigChangedEvent> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onApplicationEvent(CoordinatorConfigChangedEvent event) {
            seen.add(event);
        }

        List<CoordinatorConfigChangedEvent> seen() {
            return seen;
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableConfigurationProperties(ShopProperties.class)
    static class App {
        @Bean
        Greeter greeter() {
            return new Greeter();
        }

        @Bean
        Events events() {
            return new Events();
        }
    }

    private static final String NO_REGISTRATION = "--coordinator.client.registration.enabled=false";

    private ConfigurableApplicationContext run(String... extra) {
        return ConfigClientApp.run(
                App.class, "cfg-app", server.connectString(), concat(List.of(NO_REGISTRATION), extra));
    }

    @Test
    void loadsContextsInOrderAndRefreshesValuesAndPropertiesLive() throws Exception {
        try (ConfigurableApplicationContext ctx = run("--spring.profiles.active=dev")) {
            Greeter g = ctx.getBean(Greeter.class);
            ShopProperties shop = ctx.getBean(ShopProperties.class);
            assertThat(g.name()).isEqualTo("dev-world"); // app,profile > app > application
            assertThat(g.loudTitle()).isEqualTo("HELLO SHOP");
            assertThat(g.viaDefault()).isEqualTo("Hello-default");
            assertThat(g.discount()).isEqualTo(5);
            assertThat(shop.getDiscount()).isEqualTo(5);
            assertThat(ctx.getEnvironment().getProperty("spring.application.admin"))
                    .isEqualTo("x");
            assertThat(ctx.getBean(CoordinatorConfigWatcher.class).describe())
                    .extracting(m -> m.get("path"))
                    .containsExactly("/config/application", "/config/cfg-app", "/config/cfg-app,dev");

            // a key used only inside another value (shop.title = "${greeting.prefix} shop")
            server.set("/config/application/greeting.prefix", "Hi");
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(g.loudTitle()).isEqualTo("HI SHOP"));
            await().atMost(Duration.ofSeconds(20)).until(() -> "Hi shop".equals(shop.getTitle()));
            assertThat(g.viaDefault()).isEqualTo("Hi-default");
            Events events = ctx.getBean(Events.class);
            assertThat(events.seen()).anyMatch(e -> e.keys().contains("greeting.prefix"));

            // a whole YAML document rewritten: setter and @ConfigurationProperties follow
            server.set("/config/cfg-app/app.yaml", "shop:\n  discount: 12\n  title: ${greeting.prefix} store\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> g.discount() == 12 && shop.getDiscount() == 12);
            assertThat(shop.getTitle()).isEqualTo("Hi store");
            assertThat(g.loudTitle()).isEqualTo("HI STORE");

            // the profile context still wins; removing it falls back to the app context
            server.admin().delete().forPath("/config/cfg-app,dev/name");
            await().atMost(Duration.ofSeconds(20)).until(() -> g.name().equals("world"));
        }
    }

    /**
     * The registration says which configuration version the instance runs: {@code config.<context>} is the zxid
     * of what it read, updated when a change is applied (what the server's instance view shows per context).
     */
    @Test
    void theRegistrationTellsWhichConfigurationVersionTheInstanceRuns() throws Exception {
        server.set("/config/ver-app/greeting", "hi");
        try (ConfigurableApplicationContext ctx = ConfigClientApp.run(
                Plain.class,
                "ver-app",
                server.connectString(),
                "--coordinator.client.registration.instance-id=ver-1",
                "--coordinator.client.registration.host=127.0.0.1",
                "--coordinator.client.registration.port=9999",
                "--coordinator.client.config.local-copy-enabled=false")) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> server.admin().checkExists().forPath("/services/ver-app/ver-1") != null);
            String first = configVersion("ver-app");
            assertThat(first).startsWith("0x");

            org.apache.zookeeper.data.Stat changed =
                    server.admin().setData().forPath("/config/ver-app/greeting", "hello".getBytes());
            String expected = "0x" + Long.toHexString(changed.getMzxid());
            await().atMost(Duration.ofSeconds(20)).until(() -> expected.equals(configVersion("ver-app")));
            assertThat(Long.decode(expected)).isGreaterThan(Long.decode(first));
        }
    }

    private static String configVersion(String context) throws Exception {
        byte[] json = server.admin().getData().forPath("/services/ver-app/ver-1");
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(json)
                .path("payload")
                .path("metadata")
                .path("config." + context)
                .asText(null);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Plain {}

    @Test
    void precedenceInsideAContextAndTheDefaultProfileContext() throws Exception {
        // the context node's own data < child documents in name order (a.yaml < b.properties < c.json) < single nodes
        server.set("/config/prec-app", "k1: own\nk2: own\nk3: own\nk4: own\n");
        server.set("/config/prec-app/a.yaml", "k2: a\nk3: a\nk4: a\n");
        server.set("/config/prec-app/b.properties", "k3=b\nk4=b\n");
        server.set("/config/prec-app/k4", "single");
        server.set("/config/prec-app/c.json", "{\"k6\": \"json\", \"k3\": \"c\"}");
        // with no active profile Spring's "default" profile is active: <app>,default is read too, and wins
        server.set("/config/prec-app,default/k5", "default-profile");
        server.set("/config/prec-app/k5", "app");
        try (ConfigurableApplicationContext ctx = ConfigClientApp.run(
                App.class,
                "prec-app",
                server.connectString(),
                NO_REGISTRATION,
                "--name=n",
                "--shop.title=t",
                "--shop.discount=1",
                "--greeting.prefix=p")) {
            org.springframework.core.env.Environment env = ctx.getEnvironment();
            assertThat(List.of("k1", "k2", "k3", "k4", "k5", "k6"))
                    .map(env::getProperty)
                    .containsExactly("own", "a", "c", "single", "default-profile", "json");
        }
    }

    @Test
    void failsFastWhenTheServerIsUnreachableUnlessOptional(@TempDir Path dir) throws Exception {
        int dead = LoopbackPorts.next();
        List<String> base = List.of(
                "--spring.application.name=cfg-app",
                "--coordinator.client.connection-timeout=1s",
                "--coordinator.client.enabled=false");
        assertThatThrownBy(() -> runApp(concat(base, "--spring.config.import=coordinator:127.0.0.1:" + dead)))
                .hasStackTraceContaining("Coordinator configuration unavailable")
                .hasStackTraceContaining("127.0.0.1:" + dead);
        try (ConfigurableApplicationContext ctx = runApp(concat(
                base,
                "--spring.config.import=optional:coordinator:127.0.0.1:" + dead,
                "--greeting.prefix=p",
                "--name=local",
                "--shop.title=t",
                "--shop.discount=1"))) {
            assertThat(ctx.getBean(Greeter.class).name()).isEqualTo("local");
        }
        // last-known-good copy: written while the server answers, used when it does not
        try (ConfigurableApplicationContext ctx = runApp(concat(
                base,
                "--spring.config.import=coordinator:" + server.connectString(),
                "--coordinator.client.config.local-copy=" + dir))) {
            assertThat(ctx.getEnvironment().getProperty("name")).isEqualTo("world");
        }
        try (ConfigurableApplicationContext ctx = runApp(concat(
                base,
                "--spring.config.import=coordinator:127.0.0.1:" + dead,
                "--coordinator.client.config.local-copy=" + dir))) {
            assertThat(ctx.getEnvironment().getProperty("name")).isEqualTo("world");
        }
        assertThat(Files.list(dir)).isNotEmpty();
    }

    private static ConfigurableApplicationContext runApp(String... args) {
        return ConfigClientApp.builder(App.class).run(args);
    }

    private static String[] concat(List<String> base, String... more) {
        List<String> all = new java.util.ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }
}
