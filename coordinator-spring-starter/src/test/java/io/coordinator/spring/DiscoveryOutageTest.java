package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coordinator.spring.actuator.CoordinatorConfigHealthIndicator;
import io.coordinator.spring.actuator.CoordinatorDiscoveryHealthIndicator;
import io.coordinator.spring.actuator.CoordinatorEndpoint;
import io.coordinator.spring.autoconfigure.CoordinatorConnection;
import io.coordinator.spring.discovery.CoordinatorServiceCache;
import io.coordinator.spring.discovery.DiscoveryLocalCopy;
import io.coordinator.spring.registration.ServiceInstanceJson;
import io.coordinator.spring.test.CoordinatorServerExtension;
import io.coordinator.testsupport.FaultProxy;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Discovery while the server is unreachable, with real apps registering and discovering through a real server:
 * last known instances served throughout, drops right after the reconnect held back for a bounded time, and the
 * local copy served at a startup without a server.
 */
@Timeout(240)
class DiscoveryOutageTest {
    @RegisterExtension
    static final CoordinatorServerExtension server = new CoordinatorServerExtension();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}

    private static ConfigurableApplicationContext app(String name, String connect, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.application.name=" + name,
                "--coordinator.client.connect-string=" + connect,
                "--coordinator.client.connection-timeout=2s",
                "--coordinator.client.session-timeout=4s",
                "--coordinator.client.discovery.local-copy-enabled=false",
                "--coordinator.client.registration.host=127.0.0.1",
                "--coordinator.client.registration.port=9999"));
        for (String e : extra) { // an extra setting replaces the default one
            args.removeIf(a -> a.startsWith(e.substring(0, e.indexOf('=') + 1)));
            args.add(e);
        }
        return new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .run(args.toArray(new String[0]));
    }

    /** An app that only discovers. */
    private static ConfigurableApplicationContext watcher(String connect, String... extra) {
        List<String> args = new ArrayList<>(List.of("--coordinator.client.registration.enabled=false"));
        args.addAll(List.of(extra));
        return app("watcher", connect, args.toArray(new String[0]));
    }

    private static List<String> ids(DiscoveryClient discovery, String service) {
        return discovery.getInstances(service).stream()
                .map(ServiceInstance::getInstanceId)
                .sorted()
                .toList();
    }

    /** The instance ids served per service. */
    private static Map<String, List<String>> served(DiscoveryClient discovery, String... services) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String s : services) {
            out.put(s, ids(discovery, s));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> held(ConfigurableApplicationContext ctx) {
        return (Map<String, Map<String, Object>>) ctx.getBean(CoordinatorDiscoveryHealthIndicator.class)
                .health(true)
                .getDetails()
                .get("protected");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> endpointProtected(ConfigurableApplicationContext ctx) {
        Map<String, Object> discovery = (Map<String, Object>)
                ctx.getBean(CoordinatorEndpoint.class).coordinator().get("discovery");
        assertThat(discovery).containsEntry("source", "server");
        return (Map<String, Map<String, Object>>) discovery.get("protected");
    }

    /** Counts polls that found a service without instances, and for how long. */
    private static final class EmptySampler {
        long polls;
        long emptyPolls;
        long emptyNanos;
        private long last = System.nanoTime();
        private boolean lastEmpty;

        boolean sample(DiscoveryClient discovery, String... services) {
            long now = System.nanoTime();
            if (lastEmpty) {
                emptyNanos += now - last;
            }
            boolean empty = false;
            for (String s : services) {
                empty |= discovery.getInstances(s).isEmpty();
            }
            polls++;
            emptyPolls += empty ? 1 : 0;
            lastEmpty = empty;
            last = now;
            return !empty;
        }
    }

    @Test
    void discoveryServesItsLastKnownInstancesThroughA30sOutageAndConvergesAfter() throws Exception {
        try (FaultProxy watcherLink = new FaultProxy(server.port());
                FaultProxy peerLink = new FaultProxy(server.port());
                ConfigurableApplicationContext peer =
                        app("peer", peerLink.connectString(), "--coordinator.client.registration.instance-id=peer-1");
                ConfigurableApplicationContext watcher = watcher(watcherLink.connectString())) {
            ConfigurableApplicationContext backend1 =
                    app("backend", server.connectString(), "--coordinator.client.registration.instance-id=backend-1");
            DiscoveryClient discovery = watcher.getBean(DiscoveryClient.class);
            CoordinatorConnection connection = watcher.getBean(CoordinatorConnection.class);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> ids(discovery, "peer").equals(List.of("peer-1"))
                            && ids(discovery, "backend").equals(List.of("backend-1")));

            // the outage: the watcher and peer-1 lose the server for 30 s (their sessions expire on it), and meanwhile
            // backend-1 is replaced by backend-2
            watcherLink.partition();
            peerLink.partition();
            long outage = System.nanoTime();
            backend1.close();
            try (ConfigurableApplicationContext backend2 =
                    app("backend", server.connectString(), "--coordinator.client.registration.instance-id=backend-2")) {
                EmptySampler sampler = new EmptySampler();
                await().during(Duration.ofSeconds(30))
                        .atMost(Duration.ofSeconds(40))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> sampler.sample(discovery, "peer", "backend")
                                && ids(discovery, "peer").equals(List.of("peer-1"))
                                && ids(discovery, "backend").equals(List.of("backend-1")));
                assertThat(connection.sessionsLost()).isPositive();

                // the watcher is back first: backend converges to the truth, and peer-1's expired registration is held
                long watcherBack = System.nanoTime();
                watcherLink.heal();
                // asserted, so that a timeout shows what was served
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(10))
                        .untilAsserted(() -> {
                            sampler.sample(discovery, "peer", "backend");
                            assertThat(served(discovery, "peer", "backend"))
                                    .isEqualTo(Map.of("peer", List.of("peer-1"), "backend", List.of("backend-2")));
                        });
                long backendConverged = System.nanoTime();
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> sampler.sample(discovery, "peer", "backend")
                                && held(watcher).containsKey("peer"));
                assertThat(held(watcher).get("peer")).containsEntry("kept", 1).containsEntry("live", 0);
                assertThat(ids(discovery, "peer")).containsExactly("peer-1");
                assertThat(watcher.getBean(CoordinatorDiscoveryHealthIndicator.class)
                                .health(true)
                                .getStatus())
                        .isEqualTo(CoordinatorConfigHealthIndicator.DEGRADED);

                // then peer-1 is back: it registers again, which ends the hold
                long peerBack = System.nanoTime();
                peerLink.heal();
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> sampler.sample(discovery, "peer", "backend")
                                && held(watcher).isEmpty());
                long peerConverged = System.nanoTime();
                assertThat(ids(discovery, "peer")).containsExactly("peer-1");
                assertThat(ids(discovery, "backend")).containsExactly("backend-2");
                assertThat(server.admin().getChildren().forPath("/services/peer"))
                        .containsExactly("peer-1");
                assertThat(watcher.getBean(CoordinatorDiscoveryHealthIndicator.class)
                                .health(true)
                                .getStatus())
                        .isEqualTo(Status.UP);
                assertThat(sampler.emptyPolls).isZero();
                System.out.printf(
                        "discovery through a %d s outage: %d polls, %d found a service empty (%d ms empty);"
                                + " watcher back -> backend's live list (backend-2) served in %d ms; peer-1 back -> its"
                                + " registration live again and the hold ended in %d ms%n",
                        (watcherBack - outage) / 1_000_000_000,
                        sampler.polls,
                        sampler.emptyPolls,
                        sampler.emptyNanos / 1_000_000,
                        (backendConverged - watcherBack) / 1_000_000,
                        (peerConverged - peerBack) / 1_000_000);
            }
        }
    }

    @Test
    void aHeldDropIsReleasedAtTheBoundAndAHealthyScaleDownIsNotHeld() throws Exception {
        server.admin()
                .create()
                .orSetData()
                .creatingParentsIfNeeded()
                .forPath(
                        "/services/gone/gone-1",
                        ServiceInstanceJson.write("gone", "gone-1", "10.0.0.1", 8080, false, Map.of(), 0));
        server.admin()
                .create()
                .orSetData()
                .creatingParentsIfNeeded()
                .forPath(
                        "/services/scaled/scaled-1",
                        ServiceInstanceJson.write("scaled", "scaled-1", "10.0.0.2", 8080, false, Map.of(), 0));
        try (FaultProxy link = new FaultProxy(server.port());
                ConfigurableApplicationContext watcher = watcher(
                        link.connectString(),
                        "--coordinator.client.discovery.protection.max-duration=3s",
                        "--management.endpoints.web.exposure.include=coordinator")) {
            DiscoveryClient discovery = watcher.getBean(DiscoveryClient.class);
            CoordinatorServiceCache cache = watcher.getBean(CoordinatorServiceCache.class);
            MeterRegistry meters = watcher.getBean(MeterRegistry.class);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> ids(discovery, "gone").size() == 1
                            && ids(discovery, "scaled").size() == 1);

            // healthy: a deliberate scale-down to zero is served at once, not held
            server.admin().delete().forPath("/services/scaled/scaled-1");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> discovery.getInstances("scaled").isEmpty());
            assertThat(cache.protectionsStarted()).isZero();

            // an outage during which the only instance of "gone" really goes away
            link.partition();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !watcher.getBean(CoordinatorConnection.class).isConnected());
            server.admin().delete().forPath("/services/gone/gone-1");
            link.heal();
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> held(watcher).containsKey("gone"));
            long heldAt = System.nanoTime();
            assertThat(ids(discovery, "gone")).containsExactly("gone-1");
            assertThat(discovery.getServices()).contains("gone");
            assertThat(gauge(meters, "coordinator.discovery.protected.services"))
                    .isEqualTo(1.0);
            assertThat(count(meters, "coordinator.discovery.protections")).isEqualTo(1.0);
            assertThat(endpointProtected(watcher)).containsOnlyKeys("gone");
            assertThat(endpointProtected(watcher).get("gone"))
                    .containsEntry("kept", 1)
                    .containsEntry("live", 0)
                    .containsKeys("since", "until");

            // nothing comes back: after the bound (3 s) the truth is served
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> discovery.getInstances("gone").isEmpty());
            System.out.printf(
                    "held drop of 'gone' released %d ms after it was seen held (bound 3 s)%n",
                    (System.nanoTime() - heldAt) / 1_000_000);
            assertThat(held(watcher)).isEmpty();
            assertThat(endpointProtected(watcher)).isEmpty();
            assertThat(discovery.getServices()).doesNotContain("gone", "scaled");
            assertThat(count(meters, "coordinator.discovery.protections.expired"))
                    .isEqualTo(1.0);
            assertThat(gauge(meters, "coordinator.discovery.protected.services"))
                    .isZero();
        }
    }

    @Test
    void startsWithoutAServerFromTheLocalCopyOfAPreviousRun(@TempDir Path copies) throws Exception {
        server.admin()
                .create()
                .orSetData()
                .creatingParentsIfNeeded()
                .forPath(
                        "/services/snap/snap-1",
                        ServiceInstanceJson.write("snap", "snap-1", "10.0.1.1", 8081, false, Map.of("zone", "a"), 0));
        server.admin()
                .create()
                .orSetData()
                .creatingParentsIfNeeded()
                .forPath(
                        "/services/snap/snap-2",
                        ServiceInstanceJson.write("snap", "snap-2", "10.0.1.2", 8082, false, Map.of("zone", "b"), 0));
        server.admin()
                .create()
                .orSetData()
                .creatingParentsIfNeeded()
                .forPath(
                        "/services/retired/retired-1",
                        ServiceInstanceJson.write("retired", "retired-1", "10.0.2.1", 8083, false, Map.of(), 0));
        String[] withCopy = {
            "--coordinator.client.discovery.local-copy-enabled=true",
            "--coordinator.client.discovery.local-copy=" + copies
        };
        DiscoveryLocalCopy file = DiscoveryLocalCopy.of(copies.toString());
        try (ConfigurableApplicationContext first = watcher(server.connectString(), withCopy)) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> file.read() != null
                            && file.read()
                                            .services()
                                            .getOrDefault("snap", List.of())
                                            .size()
                                    == 2
                            && file.read().services().containsKey("retired"));
        }
        try (FaultProxy link = new FaultProxy(server.port())) {
            link.partition();
            List<String> args = new ArrayList<>(List.of(withCopy));
            args.add("--coordinator.client.fail-fast=false");
            try (ConfigurableApplicationContext ctx = watcher(link.connectString(), args.toArray(new String[0]))) {
                DiscoveryClient discovery = ctx.getBean(DiscoveryClient.class);
                assertThat(discovery.getInstances("snap"))
                        .extracting(
                                ServiceInstance::getInstanceId,
                                ServiceInstance::getHost,
                                ServiceInstance::getPort,
                                i -> i.getMetadata().get("zone"))
                        .containsExactlyInAnyOrder(
                                org.assertj.core.groups.Tuple.tuple("snap-1", "10.0.1.1", 8081, "a"),
                                org.assertj.core.groups.Tuple.tuple("snap-2", "10.0.1.2", 8082, "b"));
                assertThat(discovery.getServices()).contains("snap", "retired");
                Health health =
                        ctx.getBean(CoordinatorDiscoveryHealthIndicator.class).health(true);
                assertThat(health.getStatus()).isEqualTo(CoordinatorConfigHealthIndicator.DEGRADED);
                assertThat(health.getDetails())
                        .containsEntry("source", "local-copy")
                        .containsKey("localCopyWritten")
                        .containsKey("age");
                assertThat(ctx.getBean(MeterRegistry.class)
                                .get("coordinator.discovery.local.copy")
                                .gauge()
                                .value())
                        .isEqualTo(1.0);

                // meanwhile snap-2 and the whole of "retired" went away; when the server answers, its live lists
                // replace the copy, and nothing of the copy is held
                server.admin().delete().forPath("/services/snap/snap-2");
                server.admin().delete().forPath("/services/retired/retired-1");
                long healed = System.nanoTime();
                link.heal();
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> ids(discovery, "snap").equals(List.of("snap-1")));
                System.out.printf(
                        "started from the discovery local copy; server available -> live list served in %d ms%n",
                        (System.nanoTime() - healed) / 1_000_000);
                Health live =
                        ctx.getBean(CoordinatorDiscoveryHealthIndicator.class).health(true);
                assertThat(live.getStatus()).isEqualTo(Status.UP);
                assertThat(live.getDetails()).containsEntry("source", "server").doesNotContainKey("localCopyWritten");
                assertThat(discovery.getInstances("retired")).isEmpty();
                assertThat(discovery.getServices()).doesNotContain("retired");
                assertThat(ctx.getBean(CoordinatorServiceCache.class).protectionsStarted())
                        .isZero();
                // and the copy follows the truth
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> file.read()
                                        .services()
                                        .getOrDefault("snap", List.of())
                                        .size()
                                == 1);
            }
        }
    }

    private static double gauge(MeterRegistry meters, String name) {
        return meters.get(name).gauge().value();
    }

    private static double count(MeterRegistry meters, String name) {
        return meters.get(name).functionCounter().count();
    }
}
