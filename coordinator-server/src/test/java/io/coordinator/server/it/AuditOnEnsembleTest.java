package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log in a 3-member ensemble (in this JVM, audit on everywhere): a write sent to a follower is audited
 * exactly once, by the member holding the session (not by the leader that decided it, not by the other follower),
 * with the zxid the client's Stat shows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class AuditOnEnsembleTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private Servers.EnsembleUnderTest ensemble;
    private final ListAppender<ILoggingEvent> audit = new ListAppender<>();
    private final Logger auditLogger = (Logger) LoggerFactory.getLogger("coordinator.audit");

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("audit-ensemble");
        ensemble = Servers.coordinatorEnsemble(dir, false, 3, 0, List.of("--coordinator.audit.enabled=true"));
        audit.start();
        auditLogger.addAppender(audit); // after every member's context set logging up
    }

    @AfterAll
    void stop() {
        auditLogger.detachAppender(audit);
        if (ensemble != null) {
            ensemble.close();
        }
    }

    @Test
    void aWriteThroughAFollowerIsAuditedOnceWithItsZxid() throws Exception {
        assertThat(ensemble.mode()).isEqualTo("follower");
        CountDownLatch connected = new CountDownLatch(1);
        try (ZooKeeper zk = new ZooKeeper("127.0.0.1:" + ensemble.port(), 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        })) {
            assertThat(connected.await(30, TimeUnit.SECONDS)).isTrue();
            zk.addAuthInfo("digest", "bob:bobs-password".getBytes());
            Stat created = new Stat();
            zk.create("/audit-ens", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, created);
            Stat set = zk.setData("/audit-ens", "v".getBytes(), 0);
            List<OpResult> multi = zk.multi(List.of(Op.setData("/audit-ens", "w".getBytes(), 1)));
            long multiZxid = ((OpResult.SetDataResult) multi.get(0)).getStat().getMzxid();

            String session = "0x" + Long.toHexString(zk.getSessionId());
            List<JsonNode> lines;
            synchronized (audit.list) {
                lines = audit.list.stream()
                        .map(e -> JSON.readTree(e.getFormattedMessage()))
                        .filter(j -> j.path("session").asString().equals(session))
                        .toList();
            }
            assertThat(lines.get(0).path("operation").asString()).isEqualTo("createSession");
            assertThat(lines.subList(1, lines.size()))
                    .extracting(j -> j.path("operation").asString() + " "
                            + j.path("zxid").asString())
                    .containsExactly(
                            "create 0x" + Long.toHexString(created.getCzxid()),
                            "setData 0x" + Long.toHexString(set.getMzxid()),
                            "setData 0x" + Long.toHexString(multiZxid),
                            "multiOperation 0x" + Long.toHexString(multiZxid));
            for (JsonNode j : lines.subList(1, lines.size())) {
                assertThat(j.path("user").toString()).contains("digest:bob").doesNotContain("bobs-password");
                assertThat(j.path("result").asString()).isEqualTo("success");
            }
        }
    }
}
