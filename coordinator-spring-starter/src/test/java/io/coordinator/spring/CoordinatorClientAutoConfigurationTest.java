package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
import io.coordinator.spring.autoconfigure.CoordinatorConnection;
import io.coordinator.spring.discovery.CoordinatorDiscoveryAutoConfiguration;
import io.coordinator.spring.discovery.CoordinatorDiscoveryClient;
import io.coordinator.spring.discovery.CoordinatorReactiveDiscoveryClient;
import io.coordinator.spring.discovery.CoordinatorServiceCache;
import io.coordinator.spring.registration.CoordinatorRegistration;
import io.coordinator.spring.registration.CoordinatorRegistrationAutoConfiguration;
import io.coordinator.spring.test.CoordinatorServerProcess;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The starter against a real server: a connected client, closed with the context. Which beans exist under which
 * conditions, without a server, is {@link AutoConfigurationConditionsTest}.
 */
@Timeout(120)
class CoordinatorClientAutoConfigurationTest {
    static CoordinatorServerProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        server = CoordinatorServerProcess.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        CoordinatorClientAutoConfiguration.class,
                        CoordinatorRegistrationAutoConfiguration.class,
                        CoordinatorDiscoveryAutoConfiguration.class,
                        io.coordinator.spring.lock.CoordinatorLockAutoConfiguration.class,
                        io.coordinator.spring.leader.CoordinatorLeaderAutoConfiguration.class,
                        io.coordinator.spring.config.CoordinatorConfigAutoConfiguration.class))
                .withPropertyValues(
                        "coordinator.client.connect-string=" + server.connectString(),
                        "spring.application.name=runner-app");
    }

    @Test
    void startsAConnectedClientAndClosesItWithTheContext() {
        CuratorFramework[] seen = new CuratorFramework[1];
        runner().run(ctx -> {
            assertThat(ctx)
                    .hasSingleBean(CuratorFramework.class)
                    .hasSingleBean(CoordinatorConnection.class)
                    .hasSingleBean(CoordinatorRegistration.class)
                    .hasSingleBean(CoordinatorServiceCache.class)
                    .hasSingleBean(CoordinatorDiscoveryClient.class)
                    .hasSingleBean(CoordinatorReactiveDiscoveryClient.class)
                    .hasSingleBean(io.coordinator.spring.discovery.CoordinatorDiscoveryMetrics.class);
            seen[0] = ctx.getBean(CuratorFramework.class);
            assertThat(seen[0].getZookeeperClient().isConnected()).isTrue();
            assertThat(ctx.getBean(CoordinatorConnection.class).isConnected()).isTrue();
            // a write round-trips through the real server
            seen[0].create().orSetData().creatingParentsIfNeeded().forPath("/runner/x", "1".getBytes());
            assertThat(new String(seen[0].getData().forPath("/runner/x"))).isEqualTo("1");
        });
        assertThat(seen[0].getState()).isEqualTo(org.apache.curator.framework.imps.CuratorFrameworkState.STOPPED);
    }
}
