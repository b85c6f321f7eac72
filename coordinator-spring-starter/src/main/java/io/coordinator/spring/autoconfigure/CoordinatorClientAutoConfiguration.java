package io.coordinator.spring.autoconfigure;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The Curator client every other part of the starter uses: started with the context (connected, or startup
 * fails with a clear message when fail-fast), closed with it.
 */
@AutoConfiguration
@ConditionalOnClass(CuratorFramework.class)
@ConditionalOnBooleanProperty(prefix = "coordinator.client", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(CoordinatorClientProperties.class)
public final class CoordinatorClientAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RetryPolicy coordinatorRetryPolicy(CoordinatorClientProperties properties) {
        CoordinatorClientProperties.Retry r = properties.retry();
        return new ExponentialBackoffRetry((int) r.baseSleep().toMillis(), r.maxRetries(), (int)
                r.maxSleep().toMillis());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    CuratorFramework coordinatorCuratorFramework(
            CoordinatorClientProperties properties, RetryPolicy retryPolicy, Environment environment)
            throws InterruptedException {
        boolean failFast = failFast(properties, environment);
        // a typo fails now, naming the property, rather than as a timeout; an unknown host only when it would anyway
        ConnectString.check(properties.connectString(), "coordinator.client.connect-string", failFast);
        CoordinatorClientSecurity security = CoordinatorClientSecurity.from(Binder.get(environment));
        CuratorFrameworkFactory.Builder builder = security.apply(CuratorFrameworkFactory.builder());
        if (aclMode(properties, security) == CoordinatorClientProperties.AclMode.OWNER) {
            builder.aclProvider(new OwnerAclProvider(List.of(
                    properties.discovery().root(),
                    properties.lock().root(),
                    properties.leader().root())));
        }
        CuratorFramework client = builder.connectString(properties.connectString())
                .zookeeperFactory(new QuickReconnectZookeeperFactory())
                .sessionTimeoutMs((int) properties.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) properties.connectionTimeout().toMillis())
                .retryPolicy(retryPolicy)
                .build();
        client.start();
        if (failFast
                && !client.blockUntilConnected(
                        (int) properties.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            client.close();
            throw new IllegalStateException(
                    "Coordinator unreachable: no server answered at coordinator.client.connect-string="
                            + properties.connectString() + " within " + properties.connectionTimeout()
                            + " (set coordinator.client.fail-fast=false to start anyway, or coordinator.client.enabled=false)");
        }
        return client;
    }

    /** coordinator.client.acl.mode as set; unset, OWNER when the client has credentials. */
    static CoordinatorClientProperties.AclMode aclMode(
            CoordinatorClientProperties properties, CoordinatorClientSecurity security) {
        CoordinatorClientProperties.AclMode mode = properties.acl().mode();
        if (mode == null) {
            return security.hasCredentials()
                    ? CoordinatorClientProperties.AclMode.OWNER
                    : CoordinatorClientProperties.AclMode.OPEN;
        }
        if (mode == CoordinatorClientProperties.AclMode.OWNER && !security.hasCredentials()) {
            throw new IllegalArgumentException("coordinator.client.acl.mode=OWNER needs an identity: set "
                    + CoordinatorClientSecurity.USERNAME + " and " + CoordinatorClientSecurity.PASSWORD);
        }
        return mode;
    }

    /**
     * coordinator.client.fail-fast as set; unset, it is true unless the configuration import is optional
     * ({@code optional:coordinator:}), which means "start without a server".
     */
    static boolean failFast(CoordinatorClientProperties properties, Environment environment) {
        if (properties.failFast() != null) {
            return properties.failFast();
        }
        String[] imports = Binder.get(environment)
                .bind("spring.config.import", String[].class)
                .orElse(new String[0]);
        for (String location : imports) {
            if (location.strip().startsWith("optional:coordinator:")) {
                return false;
            }
        }
        return true;
    }

    @Bean
    @ConditionalOnMissingBean
    CoordinatorConnection coordinatorConnection(CuratorFramework client) {
        return new CoordinatorConnection(client);
    }

    @Bean
    @ConditionalOnMissingBean
    CoordinatorIdentity coordinatorIdentity(CoordinatorClientProperties properties, Environment environment) {
        return CoordinatorIdentity.from(properties, environment);
    }
}
