package io.coordinator.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.Perms;
import io.coordinator.server.request.AuditEvent;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The audit line's JSON: fields, escaping, and no secret in it. */
class AuditLogFormatTest {
    private static final String HASH = "kK0fEVAjvgCq0HwqyGyA2qpc/Zo=";
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private JsonNode only() {
        assertThat(lines.list).hasSize(1);
        String line = lines.list.get(0).getFormattedMessage();
        assertThat(line).doesNotContain("\n").doesNotContain("\r").doesNotContain("\t");
        return JsonMapper.builder().build().readTree(line);
    }

    @Test
    void aSuccessNamesEveryFieldAndHidesDigestHashes() {
        List<Id> users = List.of(new Id("ip", "10.1.2.3"), new Id("digest", "alice:" + HASH), new Id("super", ""));
        List<Acl> acl = List.of(
                new Acl(Perms.ALL, new Id("digest", "alice:" + HASH)),
                new Acl(Perms.READ, Id.ANYONE),
                new Acl(Perms.READ | Perms.WRITE, new Id("ip", "10.0.0.0/8")));
        new AuditLog(true)
                .write(new AuditEvent(
                        0L, 0x1234abcdL, users, "10.1.2.3:40000", "create", "/a", acl, "persistent", 0x500000007L, 0));
        JsonNode j = only();
        assertThat(j.path("time").asString()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(j.path("session").asString()).isEqualTo("0x1234abcd");
        assertThat(j.path("user").toString()).isEqualTo("[\"ip:10.1.2.3\",\"digest:alice\",\"super\"]");
        assertThat(j.path("address").asString()).isEqualTo("10.1.2.3:40000");
        assertThat(j.path("operation").asString()).isEqualTo("create");
        assertThat(j.path("path").asString()).isEqualTo("/a");
        assertThat(j.path("znodeType").asString()).isEqualTo("persistent");
        assertThat(j.path("acl").toString())
                .isEqualTo("[\"digest:alice:rwcda\",\"world:anyone:r\",\"ip:10.0.0.0/8:rw\"]");
        assertThat(j.path("zxid").asString()).isEqualTo("0x500000007");
        assertThat(j.path("result").asString()).isEqualTo("success");
        assertThat(j.has("error")).isFalse();
        assertThat(lines.list.get(0).getFormattedMessage()).doesNotContain(HASH);
    }

    @Test
    void aFailureNamesTheErrorCodeAndHasNoZxid() {
        new AuditLog(true)
                .write(new AuditEvent(0L, 1, List.of(), "127.0.0.1:1", "delete", "/gone", null, null, 9, Code.NONODE));
        JsonNode j = only();
        assertThat(j.path("result").asString()).isEqualTo("failure");
        assertThat(j.path("error").asString()).isEqualTo("NONODE");
        assertThat(j.has("zxid")).isFalse();
        assertThat(j.has("acl")).isFalse();
    }

    @Test
    void quotesAndControlCharactersInAPathAreEscaped() {
        String path = "/we\"ird\n{\"result\":\"forged\"}\t\u0001";
        new AuditLog(true).write(new AuditEvent(0L, 1, List.of(), "127.0.0.1:1", "setData", path, null, null, 3, 0));
        JsonNode j = only();
        assertThat(j.path("path").asString()).isEqualTo(path);
        assertThat(j.path("result").asString()).isEqualTo("success");
    }

    @Test
    void restChangesAreWrittenOnlyWhenSwitchedOn() {
        AuditLog.RestChange change = new AuditLog.RestChange(
                "admin", 0x42, "127.0.0.1:5000", "publish", "shop,prod", "/config/shop,prod", 3, "0x1f", null);
        new AuditLog(false).restChange(change);
        assertThat(lines.list).isEmpty();
        new AuditLog(true).restChange(change);
        JsonNode j = only();
        assertThat(j.path("user").toString()).isEqualTo("[\"rest:admin\"]");
        assertThat(j.path("session").asString()).isEqualTo("0x42");
        assertThat(j.path("context").asString()).isEqualTo("shop,prod");
        assertThat(j.path("version").asInt()).isEqualTo(3);
        assertThat(j.path("zxid").asString()).isEqualTo("0x1f");
        assertThat(j.path("result").asString()).isEqualTo("success");
    }
}
