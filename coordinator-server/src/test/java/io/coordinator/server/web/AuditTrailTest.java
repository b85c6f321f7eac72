package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.coordinator.server.StandaloneAppTest;
import io.coordinator.server.StandaloneTestProperties;
import io.coordinator.server.app.TestClients;
import io.coordinator.server.ops.AuditLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The audit log with {@code coordinator.audit.enabled=true}, against a running standalone server and the official
 * ZooKeeper client: one JSON line per write with the session, identities, address, path, zxid (the one the client's
 * Stat shows) and result; failures with their code; nothing for reads; no password or digest hash anywhere. And a
 * REST publish, audited with the REST user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditTrailTest extends StandaloneAppTest {
    static final String ADMIN_PW = "audit-admin-pw";
    static final String ALICE_PW = "alice-secret-pw";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        StandaloneTestProperties.register(r, "coordinator-audit");
        r.add("coordinator.audit.enabled", () -> "true");
        StandaloneTestProperties.user(r, "admin", ADMIN_PW, "ADMIN");
        r.add("coordinator.web.zk-identity", () -> "rest:rest-identity-pw");
    }

    private final ListAppender<ILoggingEvent> audit = new ListAppender<>();
    /** Everything the server logs meanwhile, any logger, for the scan for secrets. */
    private final ListAppender<ILoggingEvent> everything = new ListAppender<>();

    private final Logger rootLogger = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger auditLogger = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);

    @BeforeAll
    void capture() {
        audit.start();
        auditLogger.addAppender(audit);
        everything.start();
        rootLogger.addAppender(everything);
    }

    @AfterAll
    void release() {
        auditLogger.detachAppender(audit);
        rootLogger.detachAppender(everything);
    }

    // ---------------------------------------------------------------- helpers

    ZooKeeper connect() throws Exception {
        return TestClients.connect(server.clientPortNumber());
    }

    ZooKeeper alice() throws Exception {
        ZooKeeper zk = connect();
        zk.addAuthInfo("digest", ("alice:" + ALICE_PW).getBytes(StandardCharsets.UTF_8));
        zk.exists("/", false); // auth is answered in order: after this, the session is alice
        return zk;
    }

    /** Every audit line so far, raw. */
    List<String> raw() {
        synchronized (audit.list) {
            return audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** The lines of one session, parsed. */
    List<JsonNode> linesOf(ZooKeeper zk) {
        String session = "0x" + Long.toHexString(zk.getSessionId());
        return raw().stream()
                .map(Http.JSON::readTree)
                .filter(j -> j.path("session").asString().equals(session))
                .toList();
    }

    /** The lines of one session after its createSession line. */
    List<JsonNode> changesOf(ZooKeeper zk) {
        List<JsonNode> lines = linesOf(zk);
        assertThat(lines.get(0).path("operation").asString()).isEqualTo("createSession");
        return lines.subList(1, lines.size());
    }

    /** The client's own end of its socket, as the server sees it (ip:port). */
    static String localAddress(ZooKeeper zk) {
        Matcher m = Pattern.compile("local:/?([0-9.]+:\\d+)").matcher(zk.toString());
        assertThat(m.find()).as(zk.toString()).isTrue();
        return m.group(1);
    }

    static String hex(long zxid) {
        return "0x" + Long.toHexString(zxid);
    }

    private static void assertLine(JsonNode j, ZooKeeper zk, String operation, String path, String result) {
        assertThat(j.path("session").asString()).isEqualTo(hex(zk.getSessionId()));
        assertThat(j.path("address").asString()).isEqualTo(localAddress(zk));
        assertThat(j.path("operation").asString()).isEqualTo(operation);
        if (path != null) {
            assertThat(j.path("path").asString()).isEqualTo(path);
        }
        assertThat(j.path("result").asString()).isEqualTo(result);
        assertThat(j.path("time").asString()).endsWith("Z");
    }

    private static List<String> users(JsonNode j) {
        return j.path("user").valueStream().map(JsonNode::asString).toList();
    }

    /** Every line logged since the server started serving, audit or not, with its stack trace if any. */
    List<String> everyLine() {
        synchronized (everything.list) {
            return everything.list.stream()
                    .map(e -> e.getFormattedMessage()
                            + (e.getThrowableProxy() == null
                                    ? ""
                                    : ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(e.getThrowableProxy())))
                    .toList();
        }
    }

    private static void assertNoSecret(List<String> lines) throws Exception {
        assertThat(lines).isNotEmpty();
        String digest = DigestAuthenticationProvider.generateDigest("alice:" + ALICE_PW);
        String hash = digest.substring(digest.indexOf(':') + 1);
        for (String line : lines) {
            assertThat(line)
                    .doesNotContain(ALICE_PW)
                    .doesNotContain(hash)
                    .doesNotContain(ADMIN_PW)
                    .doesNotContain("rest-identity-pw");
        }
    }

    // ---------------------------------------------------------------- wire protocol

    @Test
    void createSetDataDeleteGiveOneLineEachWithIdentityAndZxid() throws Exception {
        try (ZooKeeper zk = alice()) {
            Stat created = new Stat();
            zk.create("/audit-crud", "a".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, created);
            zk.create("/audit-crud/child", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
            Stat set = zk.setData("/audit-crud", "b".getBytes(), 0);
            String child = zk.getChildren("/audit-crud", false).get(0);
            zk.delete("/audit-crud/" + child, 0);
            Stat parent = zk.exists("/audit-crud", false);
            zk.getData("/audit-crud", false, null); // reads: no line

            List<JsonNode> lines = changesOf(zk);
            assertThat(lines).hasSize(4);
            JsonNode create = lines.get(0);
            assertLine(create, zk, "create", "/audit-crud", "success");
            assertThat(create.path("zxid").asString()).isEqualTo(hex(created.getCzxid()));
            assertThat(create.path("znodeType").asString()).isEqualTo("persistent");
            assertThat(create.path("acl").toString()).isEqualTo("[\"world:anyone:rwcda\"]");
            assertThat(users(create)).containsExactlyInAnyOrder("ip:127.0.0.1", "digest:alice");

            JsonNode sequential = lines.get(1);
            assertLine(sequential, zk, "create", "/audit-crud/" + child, "success"); // the created name
            assertThat(sequential.path("znodeType").asString()).isEqualTo("ephemeral_sequential");

            JsonNode setData = lines.get(2);
            assertLine(setData, zk, "setData", "/audit-crud", "success");
            assertThat(setData.path("zxid").asString()).isEqualTo(hex(set.getMzxid()));
            assertThat(setData.has("acl")).isFalse();

            JsonNode delete = lines.get(3);
            assertLine(delete, zk, "delete", "/audit-crud/" + child, "success");
            assertThat(delete.path("zxid").asString()).isEqualTo(hex(parent.getPzxid()));
            assertThat(users(delete)).containsExactlyInAnyOrder("ip:127.0.0.1", "digest:alice");
        }
        assertNoSecret(everyLine());
    }

    @Test
    void setAclIsAuditedWithTheAclButNoDigestHash() throws Exception {
        try (ZooKeeper zk = alice()) {
            Stat before = new Stat();
            zk.create("/audit-acl", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, before);
            String digest = DigestAuthenticationProvider.generateDigest("alice:" + ALICE_PW);
            // the client's validateACL asks contains(null), which an immutable List.of refuses
            List<ACL> acl = new ArrayList<>(List.of(
                    new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)),
                    new ACL(ZooDefs.Perms.READ, new Id("world", "anyone"))));
            zk.setACL("/audit-acl", acl, 0);
            Stat after = zk.setData("/audit-acl", "x".getBytes(), 0);

            List<JsonNode> lines = changesOf(zk);
            assertThat(lines).hasSize(3);
            JsonNode setAcl = lines.get(1);
            assertLine(setAcl, zk, "setAcl", "/audit-acl", "success");
            assertThat(setAcl.path("acl").toString()).isEqualTo("[\"digest:alice:rwcda\",\"world:anyone:r\"]");
            // setAcl changes no mzxid: its zxid lies between the create's and the next setData's
            long zxid = Long.decode(setAcl.path("zxid").asString());
            assertThat(zxid).isGreaterThan(before.getCzxid()).isLessThan(after.getMzxid());
            assertThat(users(setAcl)).contains("digest:alice");
        }
        assertNoSecret(everyLine());
    }

    @Test
    void aMultiGivesALinePerChangeAndOneForTheMultiAtItsZxid() throws Exception {
        try (ZooKeeper zk = alice()) {
            zk.create("/audit-multi", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/audit-multi/old", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            List<OpResult> results = zk.multi(List.of(
                    Op.check("/audit-multi", 0),
                    Op.create("/audit-multi/new", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.setData("/audit-multi", "v".getBytes(), 0),
                    Op.delete("/audit-multi/old", 0)));
            long zxid = ((OpResult.SetDataResult) results.get(2)).getStat().getMzxid();

            List<JsonNode> lines = changesOf(zk);
            assertThat(lines).hasSize(2 + 4);
            List<JsonNode> multi = lines.subList(2, 6);
            assertLine(multi.get(0), zk, "create", "/audit-multi/new", "success");
            assertLine(multi.get(1), zk, "setData", "/audit-multi", "success");
            assertLine(multi.get(2), zk, "delete", "/audit-multi/old", "success");
            assertLine(multi.get(3), zk, "multiOperation", null, "success");
            assertThat(multi.get(3).has("path")).isFalse();
            for (JsonNode j : multi) {
                assertThat(j.path("zxid").asString()).isEqualTo(hex(zxid));
                assertThat(users(j)).contains("digest:alice");
            }
        }
    }

    @Test
    void failedWritesAreAuditedAsFailuresWithTheirCode() throws Exception {
        try (ZooKeeper zk = alice()) {
            zk.create("/audit-fail", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThatThrownBy(() -> zk.delete("/audit-fail-missing", -1))
                    .isInstanceOf(KeeperException.NoNodeException.class);
            assertThatThrownBy(() -> zk.setData("/audit-fail", new byte[0], 7))
                    .isInstanceOf(KeeperException.BadVersionException.class);
            assertThatThrownBy(() -> zk.multi(List.of(
                            Op.create("/audit-fail/a", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                            Op.check("/audit-fail", 5))))
                    .isInstanceOf(KeeperException.BadVersionException.class);
            assertThat(zk.exists("/audit-fail/a", false)).isNull();

            List<JsonNode> lines = changesOf(zk);
            assertThat(lines).hasSize(4);
            assertLine(lines.get(1), zk, "delete", "/audit-fail-missing", "failure");
            assertThat(lines.get(1).path("error").asString()).isEqualTo("NONODE");
            assertThat(lines.get(1).has("zxid")).isFalse();
            assertLine(lines.get(2), zk, "setData", "/audit-fail", "failure");
            assertThat(lines.get(2).path("error").asString()).isEqualTo("BADVERSION");
            // a failed multi: only the multi's line (ZooKeeper's too), no line for the rolled-back create
            assertLine(lines.get(3), zk, "multiOperation", null, "failure");
            assertThat(lines.get(3).path("error").asString()).isEqualTo("BADVERSION");
        }
    }

    @Test
    void readsGiveNoLines() throws Exception {
        try (ZooKeeper zk = connect()) {
            zk.exists("/", false);
            zk.getChildren("/", false);
            zk.getData("/zookeeper/config", false, null);
            zk.getACL("/", new Stat());
            zk.sync("/", (rc, path, ctx) -> {}, null);
            zk.exists("/", false);
            assertThat(linesOf(zk))
                    .extracting(j -> j.path("operation").asString())
                    .containsExactly("createSession");
        }
    }

    @Test
    void sessionsAreAuditedWhenOpenedAndClosed() throws Exception {
        ZooKeeper zk = connect();
        String session = hex(zk.getSessionId());
        String address = localAddress(zk);
        JsonNode created = linesOf(zk).get(0);
        assertLine(created, zk, "createSession", null, "success");
        assertThat(users(created)).containsExactly("ip:127.0.0.1");
        zk.close();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> raw().stream()
                        .map(Http.JSON::readTree)
                        .anyMatch(j -> j.path("session").asString().equals(session)
                                && j.path("operation").asString().equals("closeSession")));
        JsonNode closed = raw().stream()
                .map(Http.JSON::readTree)
                .filter(j -> j.path("session").asString().equals(session))
                .toList()
                .get(1);
        assertThat(closed.path("address").asString()).isEqualTo(address);
        assertThat(closed.path("result").asString()).isEqualTo("success");
        assertThat(closed.path("zxid").asString()).startsWith("0x");
    }

    // ---------------------------------------------------------------- REST

    /** The console's audit view of a context: this member's lines of its REST publishes and wire writes. */
    @Test
    void aContextsAuditLinesAreQueryable() throws Exception {
        Http admin = new Http(port, "admin", ADMIN_PW);
        assertThat(admin.put("/api/config/audited,prod", Map.of("properties", Map.of("x", "1")))
                        .status())
                .isEqualTo(200);
        assertThat(admin.put("/api/config/unrelated", Map.of("properties", Map.of("y", "1")))
                        .status())
                .isEqualTo(200);
        Stat set;
        try (ZooKeeper rest = connect()) { // the REST identity may write the context's znodes on the wire
            rest.addAuthInfo("digest", "rest:rest-identity-pw".getBytes(StandardCharsets.UTF_8));
            set = rest.setData("/config/audited,prod/x", "2".getBytes(StandardCharsets.UTF_8), -1);
        }
        Http.Response r = admin.get("/api/config/audited,prod/audit");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> lines = r.json().valueStream().toList();
        JsonNode newest = lines.get(0);
        assertThat(newest.path("operation").asString()).isEqualTo("setData");
        assertThat(newest.path("path").asString()).isEqualTo("/config/audited,prod/x");
        assertThat(newest.path("zxid").asString()).isEqualTo(hex(set.getMzxid()));
        assertThat(users(newest)).contains("digest:rest");
        assertThat(lines)
                .anySatisfy(j -> {
                    assertThat(j.path("operation").asString()).isEqualTo("publish");
                    assertThat(j.path("context").asString()).isEqualTo("audited,prod");
                    assertThat(users(j)).containsExactly("rest:admin");
                })
                .allSatisfy(j -> assertThat(j.toString()).doesNotContain("unrelated"));
        assertThat(admin.get("/api/config/audited,prod/audit?limit=1").json().size())
                .isEqualTo(1);
    }

    /** The REST lines written since {@code from} for {@code operation}. */
    private List<JsonNode> restLines(int from, String operation) {
        List<String> all = raw();
        return all.subList(from, all.size()).stream()
                .map(Http.JSON::readTree)
                .filter(j -> j.path("user").toString().contains("rest:"))
                .filter(j -> j.path("operation").asString().equals(operation))
                .toList();
    }

    @Test
    void restZnodeWritesAreAuditedWithTheRestUser() throws Exception {
        Http admin = new Http(port, "admin", ADMIN_PW);
        int before = raw().size();
        Http.Response created = admin.post("/api/znodes/audit-rest", Map.of("data", "a"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Http.Response updated = admin.put("/api/znodes/audit-rest", Map.of("data", "b", "version", 0));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(admin.delete("/api/znodes/audit-rest").status()).isEqualTo(204);
        assertThat(admin.delete("/api/znodes/audit-rest").status()).isEqualTo(404);

        JsonNode create = restLines(before, "create").get(0);
        assertThat(users(create)).containsExactly("rest:admin");
        assertThat(create.path("path").asString()).isEqualTo("/audit-rest");
        assertThat(create.path("zxid").asString())
                .isEqualTo(created.json().path("stat").path("czxid").asString());
        assertThat(create.path("address").asString()).startsWith("127.0.0.1:");
        assertThat(create.path("session").asString()).isNotEqualTo("0x0");

        JsonNode setData = restLines(before, "setData").get(0);
        assertThat(setData.path("zxid").asString())
                .isEqualTo(updated.json().path("stat").path("mzxid").asString());
        assertThat(setData.path("version").asInt()).isEqualTo(1);

        List<JsonNode> deletes = restLines(before, "delete");
        assertThat(deletes).hasSize(2);
        assertThat(deletes.get(0).path("result").asString()).isEqualTo("success");
        assertThat(deletes.get(1).path("result").asString()).isEqualTo("failure");
        assertThat(deletes.get(1).path("error").asString()).isEqualTo("NONODE");
        assertNoSecret(everyLine());
    }

    @Test
    void aRestPublishIsAuditedWithTheRestUserAndTheVersionsZxid() throws Exception {
        Http admin = new Http(port, "admin", ADMIN_PW);
        int before = raw().size();
        Http.Response published = admin.put(
                "/api/config/audit-app,prod", Map.of("properties", Map.of("greeting", "hello"), "comment", "c"));
        assertThat(published.status()).as(published.body()).isEqualTo(200);

        List<JsonNode> rest = raw().subList(before, raw().size()).stream()
                .map(Http.JSON::readTree)
                .filter(j -> j.path("operation").asString().equals("publish"))
                .toList();
        assertThat(rest).hasSize(1);
        JsonNode j = rest.get(0);
        assertThat(users(j)).containsExactly("rest:admin");
        assertThat(j.path("context").asString()).isEqualTo("audit-app,prod");
        assertThat(j.path("path").asString()).isEqualTo("/config/audit-app,prod");
        assertThat(j.path("version").asInt())
                .isEqualTo(published.json().path("version").asInt());
        assertThat(j.path("zxid").asString())
                .isEqualTo(published.json().path("zxid").asString());
        assertThat(j.path("session").asString()).startsWith("0x").isNotEqualTo("0x0");
        assertThat(j.path("address").asString()).startsWith("127.0.0.1:");
        assertThat(j.path("result").asString()).isEqualTo("success");

        // the REST layer's own wire writes are audited too, under its session and digest identity
        String session = j.path("session").asString();
        List<JsonNode> wire = raw().stream()
                .map(Http.JSON::readTree)
                .filter(w -> w.path("session").asString().equals(session) && w.has("zxid"))
                .filter(w -> w.path("operation").asString().equals("multiOperation"))
                .toList();
        assertThat(wire).anySatisfy(w -> {
            assertThat(w.path("zxid").asString()).isEqualTo(j.path("zxid").asString());
            assertThat(users(w)).contains("digest:rest");
        });

        // a conflicting publish is audited as a failure
        Http.Response stale =
                admin.put("/api/config/audit-app,prod", Map.of("properties", Map.of("x", "y"), "expectedVersion", 0));
        assertThat(stale.status()).isEqualTo(409);
        JsonNode failed = Http.JSON.readTree(raw().get(raw().size() - 1));
        assertThat(failed.path("operation").asString()).isEqualTo("publish");
        assertThat(failed.path("result").asString()).isEqualTo("failure");
        assertThat(failed.path("error").asString()).isEqualTo("HTTP_409");
        assertNoSecret(everyLine());
    }
}
