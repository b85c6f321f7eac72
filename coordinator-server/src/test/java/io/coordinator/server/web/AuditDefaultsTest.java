package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.coordinator.server.StandaloneAppTest;
import io.coordinator.server.StandaloneTestProperties;
import io.coordinator.server.app.TestClients;
import io.coordinator.server.ops.AuditLog;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The audit log's defaults: the wire protocol is not audited (as ZooKeeper's audit.enable=false), a REST publish
 * is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditDefaultsTest extends StandaloneAppTest {
    static final String ADMIN_PW = "defaults-admin-pw";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        StandaloneTestProperties.register(r, "coordinator-audit-defaults");
        StandaloneTestProperties.user(r, "admin", ADMIN_PW, "ADMIN");
    }

    private final ListAppender<ILoggingEvent> audit = new ListAppender<>();
    private final Logger auditLogger = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);

    @BeforeAll
    void capture() {
        audit.start();
        auditLogger.addAppender(audit);
    }

    @AfterAll
    void release() {
        auditLogger.detachAppender(audit);
    }

    List<JsonNode> lines() {
        synchronized (audit.list) {
            return audit.list.stream()
                    .map(e -> Http.JSON.readTree(e.getFormattedMessage()))
                    .toList();
        }
    }

    @Test
    void wireWritesAreNotAuditedByDefault() throws Exception {
        try (ZooKeeper zk = TestClients.connect(server.clientPortNumber())) {
            zk.create("/defaults", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.setData("/defaults", "x".getBytes(), 0);
            zk.multi(List.of(Op.create("/defaults/a", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
            zk.delete("/defaults/a", 0);
            String session = "0x" + Long.toHexString(zk.getSessionId());
            assertThat(lines()).noneMatch(j -> j.path("session").asString().equals(session));
        }
    }

    @Test
    void aRestPublishIsAuditedByDefault() {
        Http admin = new Http(port, "admin", ADMIN_PW);
        Http.Response published =
                admin.put("/api/config/defaults-app", Map.of("properties", Map.of("k", "v"), "comment", "c"));
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        assertThat(lines())
                .filteredOn(j -> j.path("operation").asString().equals("publish"))
                .singleElement()
                .satisfies(j -> {
                    assertThat(j.path("user").toString()).isEqualTo("[\"rest:admin\"]");
                    assertThat(j.path("context").asString()).isEqualTo("defaults-app");
                    assertThat(j.path("zxid").asString())
                            .isEqualTo(published.json().path("zxid").asString());
                    assertThat(j.path("result").asString()).isEqualTo("success");
                });
        // the REST layer's own wire session is not audited either
        assertThat(lines()).allMatch(j -> j.path("operation").asString().equals("publish"));
    }
}
