package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coordinator.spring.actuator.CoordinatorActuatorAutoConfiguration;
import io.coordinator.spring.actuator.CoordinatorEndpoint;
import io.coordinator.spring.actuator.CoordinatorHealthIndicator;
import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
import io.coordinator.spring.discovery.CoordinatorDiscoveryAutoConfiguration;
import io.coordinator.spring.discovery.InstanceOverrides;
import io.coordinator.spring.registration.CoordinatorRegistration;
import io.coordinator.spring.registration.CoordinatorRegistrationAutoConfiguration;
import io.coordinator.spring.test.CoordinatorServerExtension;
import io.coordinator.testsupport.FaultProxy;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;

@Timeout(180)
class RegistrationDiscoveryTest {
    @RegisterExtension
    static final CoordinatorServerExtension server = new CoordinatorServerExtension();

    ApplicationContextRunner runner(String connect) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        CoordinatorClientAutoConfiguration.class,
                        CoordinatorRegistrationAutoConfiguration.class,
                        CoordinatorDiscoveryAutoConfiguration.class,
                        CoordinatorActuatorAutoConfiguration.class))
                .withPropertyValues(
                        "coordinator.client.connect-string=" + connect,
                        "spring.application.name=reg-app",
                        "coordinator.client.session-timeout=4s",
                        "coordinator.client.registration.host=127.0.0.1",
                        "coordinator.client.registration.port=9999",
                        "coordinator.client.registration.zone=z1",
                        "coordinator.client.registration.metadata.version=7");
    }

    static void ready(ConfigurableApplicationContext ctx) {
        ctx.publishEvent(new ApplicationReadyEvent(new SpringApplication(), new String[0], ctx, Duration.ZERO));
    }

    @Test
    void registersInTheCuratorDiscoveryFormatAndSeesCuratorRegistrations() throws Exception {
        runner(server.connectString())
                .withPropertyValues(
                        "coordinator.client.registration.instance-id=reg-1",
                        "management.endpoints.web.exposure.include=*")
                .run(ctx -> {
                    CoordinatorRegistration registration = ctx.getBean(CoordinatorRegistration.class);
                    assertThat(registration.isRegistered()).isFalse(); // only once ready for traffic
                    ready(ctx);
                    assertThat(registration.isRegistered()).isTrue();
                    byte[] json = server.admin().getData().forPath("/services/reg-app/reg-1");
                    // a Spring Cloud Zookeeper / curator-x-discovery client reads it
                    ServiceInstance<ZookeeperInstance> theirs =
                            new JsonInstanceSerializer<>(ZookeeperInstance.class).deserialize(json);
                    assertThat(theirs.getName()).isEqualTo("reg-app");
                    assertThat(theirs.getId()).isEqualTo("reg-1");
                    assertThat(theirs.getAddress()).isEqualTo("127.0.0.1");
                    assertThat(theirs.getPort()).isEqualTo(9999);
                    assertThat(theirs.getPayload().getMetadata())
                            .containsEntry("zone", "z1")
                            .containsEntry("version", "7")
                            .containsEntry("weight", "1");
                    assertThat(theirs.buildUriSpec()).isEqualTo("http://127.0.0.1:9999");

                    // and we read theirs
                    ServiceDiscovery<ZookeeperInstance> sd = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
                            .client(server.admin())
                            .basePath("/services")
                            .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class))
                            .build();
                    sd.start();
                    sd.registerService(ServiceInstance.<ZookeeperInstance>builder()
                            .name("legacy")
                            .id("legacy-1")
                            .address("10.0.0.5")
                            .port(7000)
                            .payload(new ZookeeperInstance("legacy-1", "legacy", Map.of("k", "v")))
                            .build());
                    DiscoveryClient discovery = ctx.getBean(DiscoveryClient.class);
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> discovery.getInstances("legacy").size() == 1);
                    org.springframework.cloud.client.ServiceInstance legacy =
                            discovery.getInstances("legacy").get(0);
                    assertThat(legacy.getHost()).isEqualTo("10.0.0.5");
                    assertThat(legacy.getPort()).isEqualTo(7000);
                    assertThat(legacy.getMetadata()).containsEntry("k", "v");
                    assertThat(discovery.getServices()).contains("legacy", "reg-app");
                    org.springframework.cloud.client.discovery.ReactiveDiscoveryClient reactive =
                            ctx.getBean(org.springframework.cloud.client.discovery.ReactiveDiscoveryClient.class);
                    assertThat(reactive.getInstances("legacy").collectList().block(Duration.ofSeconds(5)))
                            .extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId)
                            .containsExactly("legacy-1");
                    assertThat(reactive.getServices().collectList().block(Duration.ofSeconds(5)))
                            .contains("legacy", "reg-app");
                    sd.unregisterService(ServiceInstance.<ZookeeperInstance>builder()
                            .name("legacy")
                            .id("legacy-1")
                            .build());
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> discovery.getInstances("legacy").isEmpty());
                    sd.close();

                    Map<String, Object> view =
                            ctx.getBean(CoordinatorEndpoint.class).coordinator();
                    assertThat(view)
                            .containsKeys("connection", "registration", "services", "config", "locks", "leadership");
                    registration.stop(); // what graceful shutdown does before the web server drains
                    assertThat(server.admin().checkExists().forPath("/services/reg-app/reg-1"))
                            .isNull();
                });
    }

    @Test
    void reRegistersAfterSessionExpiryAndHealthFollowsTheSession() throws Exception {
        FaultProxy proxy = new FaultProxy(server.port());
        try {
            runner(proxy.connectString())
                    .withPropertyValues("coordinator.client.registration.instance-id=reg-2")
                    .run(ctx -> {
                        ready(ctx);
                        CoordinatorHealthIndicator health = ctx.getBean(CoordinatorHealthIndicator.class);
                        assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
                        long before = server.admin()
                                .checkExists()
                                .forPath("/services/reg-app/reg-2")
                                .getEphemeralOwner();
                        proxy.partition();
                        await().atMost(Duration.ofSeconds(30))
                                .until(() -> health.health(true).getStatus().equals(Status.DOWN));
                        Health down = health.health(true);
                        assertThat(down.getDetails()).containsEntry("state", "LOST");
                        await().atMost(Duration.ofSeconds(30))
                                .until(() -> server.admin().checkExists().forPath("/services/reg-app/reg-2") == null);
                        proxy.heal();
                        await().atMost(Duration.ofSeconds(30)).until(() -> {
                            var stat = server.admin().checkExists().forPath("/services/reg-app/reg-2");
                            return stat != null && stat.getEphemeralOwner() != before;
                        });
                        await().atMost(Duration.ofSeconds(30))
                                .until(() -> health.health(true).getStatus().equals(Status.UP));
                    });
        } finally {
            proxy.close();
        }
    }

    @Test
    void actuatorAndRecipesCanBeSwitchedOff() {
        runner(server.connectString())
                .withPropertyValues("management.health.coordinator.enabled=false")
                .run(ctx -> assertThat(ctx)
                        .doesNotHaveBean(CoordinatorHealthIndicator.class)
                        .doesNotHaveBean(CoordinatorEndpoint.class)
                        .hasSingleBean(CoordinatorRegistration.class));
        runner(server.connectString())
                .withPropertyValues("coordinator.client.enabled=false")
                .run(ctx -> assertThat(ctx)
                        .doesNotHaveBean(CoordinatorHealthIndicator.class)
                        .doesNotHaveBean(CoordinatorEndpoint.class));
    }

    @Test
    void discoveredServicesListsOnlyServicesWithInstances() {
        runner(server.connectString())
                .withPropertyValues("coordinator.client.registration.instance-id=reg-3")
                .run(ctx -> {
                    DiscoveryClient discovery = discoveredItself(ctx, "reg-3");
                    assertThat(ids(discovery)).contains("reg-3");
                });
    }

    /**
     * An operator's override (what the console's "out of rotation" and weight write): discovery leaves a disabled
     * instance out while it stays registered, serves an overridden weight, and serves it as registered again when
     * the override goes.
     */
    @Test
    void operatorOverridesTakeAnInstanceOutOfRotationAndChangeItsWeight() {
        runner(server.connectString())
                .withPropertyValues("coordinator.client.registration.instance-id=rot-1")
                .run(ctx -> {
                    DiscoveryClient discovery = discoveredItself(ctx, "rot-1");
                    String override = InstanceOverrides.ROOT + "/reg-app/rot-1";

                    server.admin()
                            .create()
                            .creatingParentsIfNeeded()
                            .forPath(override, "{\"enabled\":false}".getBytes());
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> !ids(discovery).contains("rot-1"));
                    assertThat(server.admin().checkExists().forPath("/services/reg-app/rot-1"))
                            .as("still registered")
                            .isNotNull();

                    server.admin().setData().forPath(override, "{\"enabled\":true,\"weight\":5}".getBytes());
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> discovery.getInstances("reg-app").stream()
                                    .anyMatch(i -> i.getInstanceId().equals("rot-1")
                                            && "5".equals(i.getMetadata().get("weight"))));

                    server.admin().delete().forPath(override);
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> discovery.getInstances("reg-app").stream()
                                    .anyMatch(i -> i.getInstanceId().equals("rot-1")
                                            && "1".equals(i.getMetadata().get("weight"))));
                });
    }

    /** Once the application is ready: its DiscoveryClient, after it lists the application's own instance. */
    private static DiscoveryClient discoveredItself(ConfigurableApplicationContext ctx, String instanceId) {
        ready(ctx);
        DiscoveryClient discovery = ctx.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> ids(discovery).contains(instanceId));
        return discovery;
    }

    private static Set<String> ids(DiscoveryClient discovery) {
        return discovery.getInstances("reg-app").stream()
                .map(org.springframework.cloud.client.ServiceInstance::getInstanceId)
                .collect(Collectors.toSet());
    }
}
