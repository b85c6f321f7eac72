package io.coordinator.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.StringUtils;

/**
 * Every {@code coordinator.client.*} name and default, bound the way Spring Boot binds them: renaming a record
 * component (which renames the property users have in their files) or changing a default fails here.
 */
class CoordinatorClientPropertiesBindingTest {

    private static CoordinatorClientProperties bind(Map<?, ?> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("coordinator.client", CoordinatorClientProperties.class);
    }

    @Test
    void defaultsWhenNothingIsSet() {
        CoordinatorClientProperties p = bind(Map.of());
        assertThat(p.enabled()).isTrue();
        assertThat(p.connectString()).isEqualTo("127.0.0.1:2181");
        assertThat(p.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.connectionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.failFast()).isNull();
        assertThat(p.retry())
                .isEqualTo(new CoordinatorClientProperties.Retry(Duration.ofMillis(100), Duration.ofSeconds(2), 5));
        assertThat(p.auth()).isEqualTo(new CoordinatorClientProperties.Auth(null, null));
        assertThat(p.ssl().bundle()).isNull();
        assertThat(p.acl().mode()).isNull();
        assertThat(p.registration())
                .isEqualTo(new CoordinatorClientProperties.Registration(
                        true, null, null, null, null, false, Map.of(), null, 1, Duration.ZERO));
        assertThat(p.discovery())
                .isEqualTo(new CoordinatorClientProperties.Discovery(
                        true,
                        "/services",
                        null,
                        true,
                        new CoordinatorClientProperties.Protection(true, 0.5, Duration.ofSeconds(60))));
        assertThat(p.config())
                .isEqualTo(new CoordinatorClientProperties.Config("/config", "application", true, null, true));
        assertThat(p.lock()).isEqualTo(new CoordinatorClientProperties.Lock(true, "/locks"));
        assertThat(p.leader()).isEqualTo(new CoordinatorClientProperties.Leader(true, "/leaders"));
    }

    @Test
    void everyPropertyBindsByItsName() {
        // as in application.properties
        Map<?, ?> m = StringUtils.splitArrayElementsIntoProperties("""
                coordinator.client.enabled=false
                coordinator.client.connect-string=a:1,b:2
                coordinator.client.session-timeout=4s
                coordinator.client.connection-timeout=1500ms
                coordinator.client.fail-fast=false
                coordinator.client.retry.base-sleep=7ms
                coordinator.client.retry.max-sleep=3s
                coordinator.client.retry.max-retries=9
                coordinator.client.auth.username=svc
                coordinator.client.auth.password=pw
                coordinator.client.ssl.bundle=client
                coordinator.client.acl.mode=owner
                coordinator.client.registration.enabled=false
                coordinator.client.registration.service-name=orders
                coordinator.client.registration.instance-id=orders-1
                coordinator.client.registration.host=10.0.0.5
                coordinator.client.registration.port=8443
                coordinator.client.registration.secure=true
                coordinator.client.registration.metadata.version=2
                coordinator.client.registration.zone=eu-1
                coordinator.client.registration.weight=3
                coordinator.client.registration.deregister-delay=5s
                coordinator.client.discovery.enabled=false
                coordinator.client.discovery.root=/svc
                coordinator.client.discovery.local-copy=/tmp/d
                coordinator.client.discovery.local-copy-enabled=false
                coordinator.client.discovery.protection.enabled=false
                coordinator.client.discovery.protection.threshold=0.25
                coordinator.client.discovery.protection.max-duration=2m
                coordinator.client.config.root=/cfg
                coordinator.client.config.default-context=shared
                coordinator.client.config.refresh-enabled=false
                coordinator.client.config.local-copy=/tmp/c
                coordinator.client.config.local-copy-enabled=false
                coordinator.client.lock.enabled=false
                coordinator.client.lock.root=/l
                coordinator.client.leader.enabled=false
                coordinator.client.leader.root=/ld
                """.lines().toArray(String[]::new), "=");

        CoordinatorClientProperties p = bind(m);

        assertThat(p)
                .isEqualTo(new CoordinatorClientProperties(
                        false,
                        "a:1,b:2",
                        Duration.ofSeconds(4),
                        Duration.ofMillis(1500),
                        false,
                        new CoordinatorClientProperties.Retry(Duration.ofMillis(7), Duration.ofSeconds(3), 9),
                        new CoordinatorClientProperties.Auth("svc", "pw"),
                        new CoordinatorClientProperties.Ssl("client"),
                        new CoordinatorClientProperties.Acl(CoordinatorClientProperties.AclMode.OWNER),
                        new CoordinatorClientProperties.Registration(
                                false,
                                "orders",
                                "orders-1",
                                "10.0.0.5",
                                8443,
                                true,
                                Map.of("version", "2"),
                                "eu-1",
                                3,
                                Duration.ofSeconds(5)),
                        new CoordinatorClientProperties.Discovery(
                                false,
                                "/svc",
                                "/tmp/d",
                                false,
                                new CoordinatorClientProperties.Protection(false, 0.25, Duration.ofMinutes(2))),
                        new CoordinatorClientProperties.Config("/cfg", "shared", false, "/tmp/c", false),
                        new CoordinatorClientProperties.Lock(false, "/l"),
                        new CoordinatorClientProperties.Leader(false, "/ld")));
    }

    @Test
    void relaxedNamesBindAsBefore() {
        // camelCase, as some write it in application.properties; environment variables map to the same names
        CoordinatorClientProperties p = bind(Map.of(
                "coordinator.client.connectString", "h:1",
                "coordinator.client.registration.deregisterDelay", "250ms",
                "coordinator.client.discovery.protection.maxDuration", "1s"));
        assertThat(p.connectString()).isEqualTo("h:1");
        assertThat(p.registration().deregisterDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(p.discovery().protection().maxDuration()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aBadValueNamesTheProperty() {
        assertThatThrownBy(() -> bind(Map.of("coordinator.client.retry.max-retries", "many")))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("coordinator.client.retry.max-retries");
    }

    @Test
    void thePasswordStaysOutOfToString() {
        assertThat(bind(Map.of("coordinator.client.auth.password", "s3cret")).toString())
                .doesNotContain("s3cret");
    }
}
