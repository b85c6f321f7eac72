package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.net.TlsClientAuth;
import io.coordinator.server.web.WebProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * Every {@code coordinator.*} name and default (coordinator.web.* aside: WebProperties has its own), bound the
 * way the app binds them: renaming a record component (which renames a property in users' files) or changing a
 * default fails here.
 */
class CoordinatorPropertiesBindingTest {

    /** Binds as {@link UnknownSettings} does: an unknown key under coordinator.* fails. */
    static CoordinatorProperties bind(Map<?, ?> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate(
                        "coordinator",
                        Bindable.of(CoordinatorProperties.class),
                        new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
    }

    private static CoordinatorProperties expected(
            int clientPort,
            int secureClientPort,
            CoordinatorProperties.Ssl ssl,
            String clientAddress,
            String dataDir,
            int tickTime,
            int minSessionTimeout,
            int maxSessionTimeout,
            int maxClientConnections,
            int maxPacketSize,
            int maxOutstanding,
            int maxWatches,
            int snapshotRetainCount,
            long snapshotEveryTxns,
            List<String> fourLetterWords,
            String superDigest,
            boolean ttlNodesEnabled,
            boolean enforceQuota,
            Duration containerCheckInterval,
            int maxContainerDeletes,
            String sessionSecret,
            String zooCfg,
            String zookeeperDataLogDir,
            int serverId,
            String ensemble,
            boolean readOnly,
            boolean listenOnAllIps,
            int initLimit,
            int syncLimit,
            int metricsPort,
            CoordinatorProperties.Audit audit,
            CoordinatorProperties.Sasl sasl,
            CoordinatorProperties.Testing testing) {
        return new CoordinatorProperties(
                clientPort,
                secureClientPort,
                ssl,
                clientAddress,
                dataDir,
                tickTime,
                minSessionTimeout,
                maxSessionTimeout,
                maxClientConnections,
                maxPacketSize,
                maxOutstanding,
                maxWatches,
                snapshotRetainCount,
                snapshotEveryTxns,
                fourLetterWords,
                superDigest,
                ttlNodesEnabled,
                enforceQuota,
                containerCheckInterval,
                maxContainerDeletes,
                sessionSecret,
                zooCfg,
                zookeeperDataLogDir,
                serverId,
                ensemble,
                readOnly,
                false,
                listenOnAllIps,
                initLimit,
                syncLimit,
                metricsPort,
                new WebProperties(),
                audit,
                sasl,
                testing);
    }

    @Test
    void defaultsWhenNothingIsSet() {
        CoordinatorProperties p = bind(Map.of());
        assertThat(p)
                .usingRecursiveComparison()
                .ignoringFields("web")
                .isEqualTo(expected(
                        2181,
                        0,
                        new CoordinatorProperties.Ssl(null, TlsClientAuth.NONE, null, true, null),
                        "127.0.0.1",
                        "./data",
                        2000,
                        -1,
                        -1,
                        60,
                        0xfffff,
                        1000,
                        0,
                        3,
                        100_000,
                        List.of("*"),
                        null,
                        false,
                        false,
                        Duration.ofSeconds(60),
                        10_000,
                        null,
                        null,
                        null,
                        0,
                        "",
                        false,
                        false,
                        10,
                        5,
                        0,
                        new CoordinatorProperties.Audit(false, true),
                        new CoordinatorProperties.Sasl(false, null, null, false, false),
                        new CoordinatorProperties.Testing(null, null)));
        assertThat(p.web()).isNotNull();
        assertThat(p.web().getUsers()).isEmpty();
        assertThat(p.isStandalone()).isTrue();
        assertThat(p.effectiveMinSessionTimeout()).isEqualTo(4000);
        assertThat(p.effectiveMaxSessionTimeout()).isEqualTo(40_000);
    }

    @Test
    void everyPropertyBindsByItsName() {
        // as in application.properties
        Map<?, ?> m = StringUtils.splitArrayElementsIntoProperties("""
                coordinator.client-port=2182
                coordinator.secure-client-port=2281
                coordinator.ssl.client-bundle=clients
                coordinator.ssl.client-auth=need
                coordinator.ssl.quorum-bundle=peers
                coordinator.ssl.quorum-hostname-verification=false
                coordinator.client-address=0.0.0.0
                coordinator.data-dir=/var/lib/c
                coordinator.tick-time=500
                coordinator.min-session-timeout=1000
                coordinator.max-session-timeout=9000
                coordinator.max-client-connections=7
                coordinator.max-packet-size=4096
                coordinator.max-outstanding-requests-per-connection=11
                coordinator.max-watches-per-session=12
                coordinator.snapshot-retain-count=4
                coordinator.snapshot-every-txns=5000000000
                coordinator.four-letter-words=ruok, srvr
                coordinator.super-digest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=
                coordinator.ttl-nodes-enabled=true
                coordinator.enforce-quota=true
                coordinator.container-check-interval=5s
                coordinator.max-container-deletes-per-minute=13
                coordinator.session-secret=0123456789abcdef
                coordinator.zoo-cfg=/etc/zoo.cfg
                coordinator.zookeeper-data-log-dir=/var/zk/log
                coordinator.server-id=2
                coordinator.ensemble=1=h1:2888:3888,2=h2:2888:3888
                coordinator.read-only-mode-enabled=true
                coordinator.quorum-listen-on-all-ips=true
                coordinator.init-limit=20
                coordinator.sync-limit=6
                coordinator.metrics-port=7001
                coordinator.web.anonymous-read=true
                coordinator.audit.enabled=true
                coordinator.audit.rest=false
                coordinator.sasl.enabled=true
                coordinator.sasl.jaas-config=/etc/jaas.conf
                coordinator.sasl.server-section=ZkServer
                coordinator.testing.storage-faults-file=/tmp/faults
                coordinator.testing.clock-offset-file=/tmp/clock
                """.lines().toArray(String[]::new), "=");

        CoordinatorProperties p = bind(m);

        assertThat(p)
                .usingRecursiveComparison()
                .ignoringFields("web")
                .isEqualTo(expected(
                        2182,
                        2281,
                        new CoordinatorProperties.Ssl("clients", TlsClientAuth.NEED, "peers", false, null),
                        "0.0.0.0",
                        "/var/lib/c",
                        500,
                        1000,
                        9000,
                        7,
                        4096,
                        11,
                        12,
                        4,
                        5_000_000_000L,
                        List.of("ruok", "srvr"),
                        "super:D/InIHSb7yEEbrWz8b9l71RjZJU=",
                        true,
                        true,
                        Duration.ofSeconds(5),
                        13,
                        "0123456789abcdef",
                        "/etc/zoo.cfg",
                        "/var/zk/log",
                        2,
                        "1=h1:2888:3888,2=h2:2888:3888",
                        true,
                        true,
                        20,
                        6,
                        7001,
                        new CoordinatorProperties.Audit(true, false),
                        new CoordinatorProperties.Sasl(true, "/etc/jaas.conf", "ZkServer", false, false),
                        new CoordinatorProperties.Testing("/tmp/faults", "/tmp/clock")));
        assertThat(p.web().isAnonymousRead()).isTrue();
        assertThat(p.enabledFourLetterWords()).containsExactlyInAnyOrder("ruok", "srvr");
        assertThat(p.toString()).doesNotContain("0123456789abcdef").doesNotContain("D/InIHSb7");
    }

    @Test
    void relaxedNamesBindAsBefore() {
        // camelCase as in some files, and the underscore form of environment variables' canonical names
        CoordinatorProperties p = bind(Map.of(
                "coordinator.tickTime", "300",
                "coordinator.ssl.quorumBundle", "q",
                "coordinator.max_client_connections", "9"));
        assertThat(p.tickTime()).isEqualTo(300);
        assertThat(p.ssl().quorumBundle()).isEqualTo("q");
        assertThat(p.maxClientConnections()).isEqualTo(9);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(CoordinatorProperties.class)
    static class Bound {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Bound.class);

    @Test
    void anInvalidValueStopsTheContextNamingTheProperty() {
        runner.withPropertyValues("coordinator.client-port=70000")
                .run(ctx -> assertThat(ctx.getStartupFailure())
                        .isNotNull()
                        .hasStackTraceContaining("coordinator.client-port"));
        runner.withPropertyValues("coordinator.secure-client-port=2281")
                .run(ctx -> assertThat(ctx.getStartupFailure())
                        .hasStackTraceContaining("coordinator.secure-client-port needs coordinator.ssl.client-bundle"));
        runner.withPropertyValues("coordinator.tick-tme=1")
                .run(ctx -> assertThat(ctx.getStartupFailure()).hasStackTraceContaining("coordinator.tick-tme"));
        runner.withPropertyValues("coordinator.tick-time=10")
                .run(ctx -> assertThat(ctx.getBean(CoordinatorProperties.class).tickTime())
                        .isEqualTo(10));
    }
}
