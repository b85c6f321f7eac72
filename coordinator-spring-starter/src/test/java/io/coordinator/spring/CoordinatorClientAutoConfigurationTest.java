package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;

import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
import io.coordinator.spring.autoconfigure.CoordinatorConnection;
import io.coordinator.spring.discovery.CoordinatorDiscoveryAutoConfiguration;
import io.coordinator.spring.discovery.CoordinatorDiscoveryClient;
import io.coordinator.spring.discovery.CoordinatorReactiveDiscoveryClient;
import io.coordinator.spring.discovery.CoordinatorServiceCache;
import io.coordinator.spring.registration.CoordinatorRegistration;
import io.coordinator.spring.registration.CoordinatorRegistrationAutoConfiguration;
import io.coordinator.spring.test.CoordinatorServerProcess;
import io.coordinator.testsupport.LoopbackPorts;

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
                .withConfiguration(AutoConfigurations.of(CoordinatorClientAutoConfiguration.class,
                        CoordinatorRegistrationAutoConfiguration.class, CoordinatorDiscoveryAutoConfiguration.class,
                        io.coordinator.spring.lock.CoordinatorLockAutoConfiguration.class,
                        io.coordinator.spring.leader.CoordinatorLeaderAutoConfiguration.class,
                        io.coordinator.spring.config.CoordinatorConfigAutoConfiguration.class))
                .withPropertyValues("coordinator.client.connect-string=" + server.connectString(),
                        "spring.application.name=runner-app");
    }

    @Test
    void startsAConnectedClientAndClosesItWithTheContext() {
        CuratorFramework[] seen = new CuratorFramework[1];
        runner().run(ctx -> {
            assertThat(ctx).hasSingleBean(CuratorFramework.class).hasSingleBean(CoordinatorConnection.class)
                    .hasSingleBean(CoordinatorRegistration.class).hasSingleBean(CoordinatorServiceCache.class)
                    .hasSingleBean(CoordinatorDiscoveryClient.class).hasSingleBean(CoordinatorReactiveDiscoveryClient.class);
            seen[0] = ctx.getBean(CuratorFramework.class);
            assertThat(seen[0].getZookeeperClient().isConnected()).isTrue();
            assertThat(ctx.getBean(CoordinatorConnection.class).isConnected()).isTrue();
            // a write round-trips through the real server
            seen[0].create().orSetData().creatingParentsIfNeeded().forPath("/runner/x", "1".getBytes());
            assertThat(new String(seen[0].getData().forPath("/runner/x"))).isEqualTo("1");
        });
        assertThat(seen[0].getState()).isEqualTo(org.apache.curator.framework.imps.CuratorFrameworkState.STOPPED);
    }

    @Test
    void disabledSwitchCreatesNothing() {
        runner().withPropertyValues("coordinator.client.enabled=false").run(ctx -> assertThat(ctx)
                .doesNotHaveBean(CuratorFramework.class).doesNotHaveBean(CoordinatorRegistration.class)
                .doesNotHaveBean(CoordinatorServiceCache.class).doesNotHaveBean(DiscoveryClient.class));
    }

    @Test
    void registrationAndDiscoveryCanBeSwitchedOffSeparately() {
        runner().withPropertyValues("coordinator.client.registration.enabled=false",
                "coordinator.client.discovery.enabled=false").run(ctx -> assertThat(ctx)
                .hasSingleBean(CuratorFramework.class).doesNotHaveBean(CoordinatorRegistration.class)
                .doesNotHaveBean(CoordinatorServiceCache.class));
        runner().withPropertyValues("spring.cloud.discovery.enabled=false").run(ctx -> assertThat(ctx)
                .doesNotHaveBean(CoordinatorDiscoveryClient.class));
    }

    @Test
    void locksLeadersAndRefreshCanBeSwitchedOffSeparately() {
        runner().run(ctx -> assertThat(ctx).hasSingleBean(io.coordinator.spring.lock.DistributedLocks.class)
                .hasSingleBean(io.coordinator.spring.leader.Leadership.class)
                .hasSingleBean(io.coordinator.spring.config.CoordinatorConfigWatcher.class)
                .hasSingleBean(io.coordinator.spring.config.ValueRefresher.class));
        runner().withPropertyValues("coordinator.client.lock.enabled=false", "coordinator.client.leader.enabled=false",
                "coordinator.client.config.refresh-enabled=false").run(ctx -> assertThat(ctx)
                .hasSingleBean(CuratorFramework.class)
                .doesNotHaveBean(io.coordinator.spring.lock.DistributedLocks.class)
                .doesNotHaveBean(io.coordinator.spring.leader.Leadership.class)
                .doesNotHaveBean(io.coordinator.spring.config.CoordinatorConfigWatcher.class)
                .doesNotHaveBean(io.coordinator.spring.config.ValueRefresher.class));
        runner().withPropertyValues("coordinator.client.enabled=false").run(ctx -> assertThat(ctx)
                .doesNotHaveBean(io.coordinator.spring.lock.DistributedLocks.class)
                .doesNotHaveBean(io.coordinator.spring.leader.Leadership.class)
                .doesNotHaveBean(io.coordinator.spring.config.CoordinatorConfigWatcher.class));
    }

    @Test
    void userBeansReplaceTheStartersOwn() {
        CuratorFramework mine = CuratorFrameworkFactory.newClient(server.connectString(), new RetryOneTime(100));
        runner().withBean("myClient", CuratorFramework.class, () -> mine).run(ctx -> {
            assertThat(ctx).hasSingleBean(CuratorFramework.class);
            assertThat(ctx.getBean(CuratorFramework.class)).isSameAs(mine);
        });
        mine.close();
    }

    @Test
    void failsFastWithAClearMessageWhenNoServerAnswers() throws Exception {
        int deadPort = LoopbackPorts.next();
        runner().withPropertyValues("coordinator.client.connect-string=127.0.0.1:" + deadPort,
                "coordinator.client.connection-timeout=1s").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("Coordinator unreachable")
                    .hasMessageContaining("127.0.0.1:" + deadPort);
        });
    }
}
