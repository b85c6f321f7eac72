package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * zoo.cfg keys with a switch of their own: {@code audit.enable} (the wire audit log), {@code enforceQuota}, the
 * Prometheus provider's port, the AdminServer's port and address.
 */
class ZooCfgAuditImportTest {
    @TempDir
    Path dir;

    private CoordinatorProperties bind(String... lines) throws IOException {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "dataDir=" + dir.resolve("data") + "\n" + String.join("\n", lines) + "\n");
        Map<String, Object> mapped = ZooCfgImport.parse(cfg);
        return new Binder(new MapConfigurationPropertySource(mapped))
                .bindOrCreate("coordinator", CoordinatorProperties.class);
    }

    /**
     * ZooKeeper serves its AdminServer commands on admin.serverPort (and admin.serverAddress); here they are served
     * on the HTTP port, so that is where they go: monitoring keeps its URL, and members sharing a host keep apart.
     */
    @Test
    void theAdminServersPortAndAddressBecomeTheHttpPortAndAddress() throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(
                cfg, "dataDir=" + dir + "\nclientPort=2181\nadmin.serverPort=9181\nadmin.serverAddress=0.0.0.0\n");
        Map<String, Object> mapped = ZooCfgImport.parse(cfg);
        assertThat(mapped.get("server.port")).hasToString("9181");
        assertThat(mapped.get("server.address")).hasToString("0.0.0.0");

        Files.writeString(cfg, "dataDir=" + dir + "\nclientPort=2181\n");
        assertThat(ZooCfgImport.parse(cfg)).doesNotContainKeys("server.port", "server.address");
    }

    @Test
    void auditEnableTrueTurnsTheWireAuditLogOn() throws Exception {
        CoordinatorProperties p = bind("clientPort=2181", "audit.enable=true");
        assertThat(p.audit().enabled()).isTrue();
        assertThat(p.audit().rest()).isTrue();
    }

    @Test
    void auditEnableFalseOrAbsentLeavesItOff() throws Exception {
        assertThat(bind("clientPort=2181", "audit.enable=false").audit().enabled())
                .isFalse();
        assertThat(bind("clientPort=2181").audit().enabled()).isFalse();
    }

    /** Quota enforcement is off unless asked for, as in ZooKeeper, where zoo.cfg's enforceQuota switches it. */
    @Test
    void quotaEnforcementFollowsZooKeepersDefaultAndKey() throws Exception {
        assertThat(bind("clientPort=2181").enforceQuota()).isFalse();
        assertThat(bind("clientPort=2181", "enforceQuota=true").enforceQuota()).isTrue();
        assertThat(bind("clientPort=2181", "zookeeper.enforceQuota=true").enforceQuota())
                .isTrue();
    }

    @Test
    void theKeyKeepsItsFileAndLineAsOrigin() throws Exception {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "clientPort=2181\naudit.enable=true\n");
        Object value = ZooCfgImport.parse(cfg).get("coordinator.audit.enabled");
        assertThat(value.toString()).isEqualTo("true");
        assertThat(value).isInstanceOf(org.springframework.boot.origin.OriginTrackedValue.class);
        assertThat(((org.springframework.boot.origin.OriginTrackedValue) value)
                        .getOrigin()
                        .toString())
                .contains("zoo.cfg")
                .contains("2");
    }

    @Test
    void zooKeepersPrometheusProviderGivesTheMetricsPortAs7000OrItsHttpPort() throws Exception {
        String provider = "metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";
        assertThat(bind("clientPort=2181", provider).metricsPort()).isEqualTo(7000);
        assertThat(bind("clientPort=2181", "metricsProvider.httpPort=7071", provider)
                        .metricsPort())
                .isEqualTo(7071);
        // without ZooKeeper's Prometheus provider the port means nothing, there as here
        assertThat(bind("clientPort=2181", "metricsProvider.httpPort=7071").metricsPort())
                .isZero();
    }
}
