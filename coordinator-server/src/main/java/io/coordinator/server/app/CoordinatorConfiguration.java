package io.coordinator.server.app;

import io.coordinator.server.cluster.EnsembleDriver;
import io.coordinator.server.net.ClientPortServer;
import io.coordinator.server.ops.AuditLog;
import io.coordinator.server.ops.OpsConfiguration;
import io.coordinator.server.ops.ServerHandle;
import io.coordinator.server.request.ServerView;
import io.coordinator.server.request.StateSnapshots;
import io.coordinator.server.storage.GroupCommitLog;
import io.coordinator.server.web.WebConfiguration;
import io.coordinator.server.web.WebProperties;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/** Wires the server into the Spring context. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CoordinatorProperties.class)
@Import({OpsConfiguration.class, WebConfiguration.class, MetricsPort.class})
public class CoordinatorConfiguration {

    @Bean
    HeapSettling heapSettling() {
        return new HeapSettling();
    }

    @Bean
    WebProperties webProperties(CoordinatorProperties properties) {
        return properties.web();
    }

    /**
     * The audit log the REST layer writes its changes to (coordinator.audit.rest switches it): the server's own, so
     * the console's audit view sees wire writes and REST changes alike.
     */
    @Bean
    AuditLog auditLog(CoordinatorServer server) {
        return server.auditLog();
    }

    /** What ops/ and web/ may see of the server (they sit above the lifecycle bean, below app/). */
    @Bean
    ServerHandle serverHandle(CoordinatorServer server, CoordinatorProperties properties) {
        List<ServerHandle.Member> members = properties.isStandalone()
                ? List.of()
                : properties.ensembleMembers().stream()
                        .map(m -> new ServerHandle.Member(m.id(), m.observer(), m.host()))
                        .toList();
        String host = properties.clientAddress();
        String clientHost =
                host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return new ServerHandle() {
            @Override
            public int serverId() {
                return properties.isStandalone() ? 0 : properties.serverId();
            }

            @Override
            public List<Member> members() {
                return members;
            }

            @Override
            public boolean isServing() {
                return server.isServing();
            }

            @Override
            public ServerView view() {
                return server.pipeline();
            }

            @Override
            public EnsembleDriver ensemble() {
                return server.ensembleDriver();
            }

            @Override
            public GroupCommitLog commitLog() {
                return server.groupCommitLog();
            }

            @Override
            public ClientPortServer clientPort() {
                return server.clientPortServer();
            }

            @Override
            public String clientHost() {
                return clientHost;
            }

            @Override
            public CompletableFuture<StateCopy> copyState() {
                var pipeline = server.pipeline();
                CompletableFuture<StateCopy> copy = new CompletableFuture<>();
                if (pipeline == null || !server.isServing()) {
                    copy.completeExceptionally(new IllegalStateException("the server is not serving"));
                    return copy;
                }
                pipeline.submit(() -> {
                    try {
                        var state = pipeline.state();
                        copy.complete(new StateCopy(state.tree().lastProcessedZxid(), StateSnapshots.toBytes(state)));
                    } catch (RuntimeException e) {
                        copy.completeExceptionally(e);
                    }
                });
                return copy;
            }

            @Override
            public long restore(byte[] backup, String source) throws IOException {
                return server.restore(backup, source);
            }

            @Override
            public byte[] derivedKey(String purpose) {
                var pipeline = server.pipeline();
                return pipeline == null ? null : pipeline.derivedKey(purpose);
            }
        };
    }

    /** TLS contexts from the SSL bundles coordinator.ssl.* names; fails startup naming the property when one is unusable. */
    @Bean
    CoordinatorTls coordinatorTls(CoordinatorProperties properties, ObjectProvider<SslBundles> sslBundles) {
        return CoordinatorTls.isWanted(properties)
                ? CoordinatorTls.from(properties, sslBundles.getObject())
                : CoordinatorTls.NONE;
    }

    /** The server {@link EarlyStart} already started (when the app runs from its main), else a new one. */
    @Bean
    CoordinatorServer coordinatorServer(
            CoordinatorProperties properties,
            CoordinatorTls tls,
            ObjectProvider<EarlyStart> earlyStart,
            Environment environment) {
        EarlyStart early = earlyStart.getIfAvailable();
        if (early == null) {
            UnknownSettings.check(environment); // EarlyStart, when there is one, did this first
        }
        if (early != null && early.server() != null) {
            return early.server(); // never with TLS: EarlyStart leaves that to the context, which has the SSL bundles
        }
        CoordinatorServer server = new CoordinatorServer(properties, tls);
        if (early != null) {
            early.adopt(server); // a stop signal during startup stops it too
        }
        return server;
    }

    /** UP only while the server serves clients: recovered, client port open, log healthy. */
    @Bean
    HealthIndicator coordinatorHealthIndicator(CoordinatorServer server) {
        return () -> {
            if (!server.isServing()) {
                Health.Builder down = Health.down().withDetail("serving", false);
                Throwable failure = server.storageFailure();
                if (failure != null) {
                    down.withDetail("storageFailure", String.valueOf(failure.getMessage()));
                }
                return down.build();
            }
            var pipeline = server.pipeline();
            return Health.up()
                    .withDetail("mode", pipeline.mode())
                    .withDetail("clientPort", server.clientPort())
                    .withDetail("zxid", "0x" + Long.toHexString(pipeline.lastProcessedZxid()))
                    .withDetail("znodes", pipeline.nodeCount())
                    .withDetail("sessions", pipeline.sessionCount())
                    .build();
        };
    }
}
