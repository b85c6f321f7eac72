package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.spring.actuator.CoordinatorActuatorAutoConfiguration;
import io.coordinator.spring.actuator.CoordinatorConfigHealthIndicator;
import io.coordinator.spring.actuator.CoordinatorDiscoveryHealthIndicator;
import io.coordinator.spring.actuator.CoordinatorEndpoint;
import io.coordinator.spring.actuator.CoordinatorHealthIndicator;
import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
import io.coordinator.spring.autoconfigure.CoordinatorClientProperties;
import io.coordinator.spring.autoconfigure.CoordinatorConnection;
import io.coordinator.spring.autoconfigure.CoordinatorIdentity;
import io.coordinator.spring.config.ConfigurationPropertiesRebinder;
import io.coordinator.spring.config.CoordinatorConfigAutoConfiguration;
import io.coordinator.spring.config.CoordinatorConfigWatcher;
import io.coordinator.spring.config.ValueRefresher;
import io.coordinator.spring.discovery.CoordinatorDiscoveryAutoConfiguration;
import io.coordinator.spring.discovery.CoordinatorDiscoveryClient;
import io.coordinator.spring.discovery.CoordinatorDiscoveryMetrics;
import io.coordinator.spring.discovery.CoordinatorReactiveDiscoveryClient;
import io.coordinator.spring.discovery.CoordinatorServiceCache;
import io.coordinator.spring.leader.CoordinatorLeaderAutoConfiguration;
import io.coordinator.spring.leader.Leadership;
import io.coordinator.spring.lock.CoordinatorLockAutoConfiguration;
import io.coordinator.spring.lock.DistributedLocks;
import io.coordinator.spring.registration.CoordinatorRegistration;
import io.coordinator.spring.registration.CoordinatorRegistrationAutoConfiguration;
import io.coordinator.testsupport.LoopbackPorts;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Which beans the starter's auto-configurations create, and when they back off, with no server at all: the client
 * is pointed at a loopback port nothing listens on, and {@code fail-fast=false} lets it start (connecting in the
 * background) as it does with {@code optional:coordinator:}. What needs a server is in
 * {@link CoordinatorClientAutoConfigurationTest}.
 */
@Timeout(60)
class AutoConfigurationConditionsTest {
    static String nowhere;

    @BeforeAll
    static void portWithoutServer() throws Exception {
        nowhere = "127.0.0.1:" + LoopbackPorts.next();
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    CoordinatorClientAutoConfiguration.class,
                    CoordinatorRegistrationAutoConfiguration.class,
                    CoordinatorDiscoveryAutoConfiguration.class,
                    CoordinatorLockAutoConfiguration.class,
                    CoordinatorLeaderAutoConfiguration.class,
                    CoordinatorConfigAutoConfiguration.class,
                    CoordinatorActuatorAutoConfiguration.class))
            .withPropertyValues(
                    "coordinator.client.connect-string=" + nowhere,
                    "coordinator.client.fail-fast=false",
                    "spring.application.name=conditions-app",
                    "management.endpoints.web.exposure.include=coordinator",
                    // nothing is written to the user's home
                    "coordinator.client.config.local-copy-enabled=false",
                    "coordinator.client.discovery.local-copy-enabled=false");

    /** Every bean of every auto-configuration: none may exist when the starter is off. */
    private static final Class<?>[] ALL = {
        CuratorFramework.class,
        RetryPolicy.class,
        CoordinatorConnection.class,
        CoordinatorIdentity.class,
        CoordinatorRegistration.class,
        CoordinatorServiceCache.class,
        CoordinatorDiscoveryClient.class,
        CoordinatorReactiveDiscoveryClient.class,
        DistributedLocks.class,
        Leadership.class,
        CoordinatorConfigWatcher.class,
        ValueRefresher.class,
        ConfigurationPropertiesRebinder.class,
        CoordinatorHealthIndicator.class,
        CoordinatorConfigHealthIndicator.class,
        CoordinatorDiscoveryHealthIndicator.class,
        CoordinatorDiscoveryMetrics.class,
        CoordinatorEndpoint.class
    };

    private static void hasNone(AssertableApplicationContext ctx) {
        assertThat(ctx).hasNotFailed();
        for (Class<?> type : ALL) {
            assertThat(ctx).doesNotHaveBean(type);
        }
    }

    @Test
    void withDefaultsEveryPartIsThere() {
        runner.run(ctx -> {
            for (Class<?> type : ALL) {
                assertThat(ctx).hasSingleBean(type);
            }
            assertThat(ctx).hasBean("distributedLockAdvisor").hasBean("leaderOnlyAdvisor");
        });
    }

    @Test
    void theStartersClientClosesWithTheContext() {
        CuratorFramework[] client = new CuratorFramework[1];
        runner.run(ctx -> {
            client[0] = ctx.getBean(CuratorFramework.class);
            assertThat(client[0].getState()).isEqualTo(CuratorFrameworkState.STARTED);
        });
        assertThat(client[0].getState()).isEqualTo(CuratorFrameworkState.STOPPED);
    }

    @Test
    void disabledCreatesNothing() {
        runner.withPropertyValues("coordinator.client.enabled=false").run(AutoConfigurationConditionsTest::hasNone);
    }

    @Test
    void withoutCuratorOnTheClassPathNothingIsCreated() {
        runner.withClassLoader(new FilteredClassLoader(CuratorFramework.class))
                .run(AutoConfigurationConditionsTest::hasNone);
    }

    /** A row: with {@code condition} applied, {@code stillThere} is there and none of {@code gone} (types or names). */
    private static Arguments row(Object condition, Class<?> stillThere, Object... gone) {
        return Arguments.of(condition, stillThere, List.of(gone));
    }

    private static void assertParts(AssertableApplicationContext ctx, Class<?> stillThere, List<Object> gone) {
        for (Object part : gone) {
            if (part instanceof Class<?> type) {
                assertThat(ctx).doesNotHaveBean(type);
            } else {
                assertThat(ctx).doesNotHaveBean((String) part);
            }
        }
        assertThat(ctx).hasSingleBean(stillThere);
    }

    static Stream<Arguments> switches() {
        return Stream.of(
                row(
                        "coordinator.client.registration.enabled=false",
                        CoordinatorServiceCache.class,
                        CoordinatorRegistration.class),
                row(
                        "coordinator.client.discovery.enabled=false",
                        CoordinatorRegistration.class,
                        CoordinatorServiceCache.class,
                        DiscoveryClient.class),
                row(
                        "coordinator.client.lock.enabled=false",
                        Leadership.class,
                        DistributedLocks.class,
                        "distributedLockAdvisor"),
                row(
                        "coordinator.client.leader.enabled=false",
                        DistributedLocks.class,
                        Leadership.class,
                        "leaderOnlyAdvisor"),
                row(
                        "coordinator.client.config.refresh-enabled=false",
                        CoordinatorHealthIndicator.class,
                        CoordinatorConfigWatcher.class,
                        ValueRefresher.class,
                        CoordinatorConfigHealthIndicator.class),
                row(
                        "management.health.coordinator.enabled=false",
                        CoordinatorEndpoint.class,
                        CoordinatorHealthIndicator.class),
                row(
                        "management.endpoints.web.exposure.include=health",
                        CoordinatorHealthIndicator.class,
                        CoordinatorEndpoint.class),
                // Spring Cloud's own discovery switches
                row(
                        "spring.cloud.discovery.enabled=false",
                        CuratorFramework.class,
                        CoordinatorServiceCache.class,
                        DiscoveryClient.class),
                row(
                        "spring.cloud.discovery.blocking.enabled=false",
                        CoordinatorReactiveDiscoveryClient.class,
                        CoordinatorDiscoveryClient.class),
                row(
                        "spring.cloud.discovery.reactive.enabled=false",
                        CoordinatorDiscoveryClient.class,
                        CoordinatorReactiveDiscoveryClient.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switches")
    void eachPartCanBeSwitchedOffAlone(String property, Class<?> stillThere, List<Object> gone) {
        runner.withPropertyValues(property).run(ctx -> assertParts(ctx, stillThere, gone));
    }

    static Stream<Arguments> missingClasses() {
        return Stream.of(
                row(DiscoveryClient.class, CuratorFramework.class, CoordinatorServiceCache.class),
                row(
                        "reactor.core.publisher",
                        CoordinatorDiscoveryClient.class,
                        CoordinatorReactiveDiscoveryClient.class),
                row(
                        HealthIndicator.class,
                        CoordinatorEndpoint.class,
                        CoordinatorHealthIndicator.class,
                        CoordinatorDiscoveryHealthIndicator.class),
                row("io.micrometer.core", CoordinatorServiceCache.class, CoordinatorDiscoveryMetrics.class));
    }

    /** {@code missing}: a class, or a package, hidden from the class loader. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("missingClasses")
    void optionalPartsBackOffWhenTheirClassesAreMissing(Object missing, Class<?> stillThere, List<Object> gone) {
        FilteredClassLoader loader = missing instanceof Class<?> type
                ? new FilteredClassLoader(type)
                : new FilteredClassLoader((String) missing);
        runner.withClassLoader(loader).run(ctx -> assertParts(ctx, stillThere, gone));
    }

    @Test
    void userBeansReplaceTheStartersOwn() {
        CuratorFramework mine = CuratorFrameworkFactory.newClient(nowhere, new RetryOneTime(100));
        mine.start();
        try {
            runner.withBean("myClient", CuratorFramework.class, () -> mine).run(ctx -> {
                assertThat(ctx).hasSingleBean(CuratorFramework.class).doesNotHaveBean("coordinatorCuratorFramework");
                assertThat(ctx.getBean(DistributedLocks.class)).isNotNull();
                assertThat(ctx.getBean(CoordinatorConnection.class).isConnected())
                        .isFalse();
            });
        } finally {
            mine.close();
        }
        RetryPolicy retry = new RetryOneTime(1);
        runner.withBean("myRetry", RetryPolicy.class, () -> retry).run(ctx -> {
            assertThat(ctx).hasSingleBean(RetryPolicy.class);
            assertThat(ctx.getBean(CuratorFramework.class).getZookeeperClient().getRetryPolicy())
                    .isSameAs(retry);
        });
        DistributedLocks locks =
                new DistributedLocks(CuratorFrameworkFactory.newClient(nowhere, new RetryOneTime(1)), "/my-locks");
        runner.withBean("myLocks", DistributedLocks.class, () -> locks)
                .run(ctx -> assertThat(ctx).getBean(DistributedLocks.class).isSameAs(locks));
        HealthIndicator health = () -> Health.up().build();
        runner.withBean("coordinatorHealthIndicator", HealthIndicator.class, () -> health)
                .run(ctx -> assertThat(ctx)
                        .doesNotHaveBean(CoordinatorHealthIndicator.class)
                        .getBean("coordinatorHealthIndicator")
                        .isSameAs(health));
    }

    @Test
    void propertiesBindIntoTheClient() {
        runner.withPropertyValues(
                        "coordinator.client.session-timeout=4s",
                        "coordinator.client.connection-timeout=1500ms",
                        "coordinator.client.retry.max-retries=7",
                        "coordinator.client.registration.metadata.zone-hint=a",
                        "coordinator.client.lock.root=/my-locks")
                .run(ctx -> {
                    CoordinatorClientProperties properties = ctx.getBean(CoordinatorClientProperties.class);
                    assertThat(properties.sessionTimeout()).isEqualTo(Duration.ofSeconds(4));
                    assertThat(properties.connectionTimeout()).isEqualTo(Duration.ofMillis(1500));
                    assertThat(properties.registration().metadata()).containsEntry("zone-hint", "a");
                    CuratorFramework client = ctx.getBean(CuratorFramework.class);
                    assertThat(client.getZookeeperClient().getCurrentConnectionString())
                            .isEqualTo(nowhere);
                    assertThat(client.getZookeeperClient().getConnectionTimeoutMs())
                            .isEqualTo(1500);
                    assertThat(ctx.getBean(DistributedLocks.class).pathOf("k")).startsWith("/my-locks/");
                });
    }

    @Test
    void discoveryProtectionSettingsOutOfRangeAreNamed() {
        runner.withPropertyValues("coordinator.client.discovery.protection.threshold=2")
                .run(ctx -> assertThat(ctx)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining(
                                "coordinator.client.discovery.protection.threshold=2.0: must be between 0 and 1"));
    }

    @Test
    void aConnectStringWithABadPortFailsAtOnceNamingTheProperty() {
        runner.withPropertyValues("coordinator.client.connect-string=127.0.0.1:21x81")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("coordinator.client.connect-string")
                            .hasMessageContaining("21x81");
                });
    }

    @Test
    void failsFastWithAClearMessageWhenNoServerAnswers() {
        runner.withPropertyValues("coordinator.client.fail-fast=true", "coordinator.client.connection-timeout=1s")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("Coordinator unreachable")
                            .hasMessageContaining(nowhere);
                });
    }

    @Test
    void anOptionalImportMeansStartWithoutAServer() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CoordinatorClientAutoConfiguration.class))
                .withPropertyValues(
                        "coordinator.client.connect-string=" + nowhere,
                        "coordinator.client.connection-timeout=1s",
                        "spring.config.import=optional:coordinator:")
                .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(CuratorFramework.class));
    }
}
