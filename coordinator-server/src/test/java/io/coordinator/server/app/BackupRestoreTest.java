package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coordinator.server.it.Servers;
import io.coordinator.server.ops.AuditLog;
import io.coordinator.server.ops.ServerHandle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Online backup and restore end to end: a client writes continuously and records every acknowledged write (its
 * path, data and zxid); a backup is taken over HTTP meanwhile; restored into the data directory of a new server,
 * that server (and a new ensemble, restored into a majority of its voters) has every write acknowledged up to the
 * backup's zxid and none after it. A damaged or cut backup
 * is refused naming the offset, and the data directory stays as it was.
 */
@Timeout(180)
class BackupRestoreTest {
    @TempDir
    Path dir;

    record Ack(String path, String data, long zxid) {}

    private static ConfigurableApplicationContext start(Path dataDir) {
        return new SpringApplicationBuilder(CoordinatorApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--coordinator.client-port=0",
                        "--coordinator.data-dir=" + dataDir,
                        "--coordinator.web.users.admin.password={noop}admin-pw",
                        "--coordinator.web.users.admin.role=ADMIN",
                        "--coordinator.web.users.viewer.password={noop}viewer-pw",
                        "--coordinator.web.users.viewer.role=READ_ONLY");
    }

    private static HttpResponse<byte[]> get(ConfigurableApplicationContext app, String path, String user)
            throws Exception {
        return send(app, path, user, b -> b);
    }

    private static HttpResponse<byte[]> post(ConfigurableApplicationContext app, String path, String user, byte[] body)
            throws Exception {
        return send(
                app,
                path,
                user,
                b -> b.header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A request to the server's HTTP port as {@code user} (password {@code <user>-pw}), or without a login. */
    private static HttpResponse<byte[]> send(
            ConfigurableApplicationContext app, String path, String user, UnaryOperator<HttpRequest.Builder> request)
            throws Exception {
        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        HttpRequest.Builder b = request.apply(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)));
        if (user != null) {
            b.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((user + ":" + user + "-pw").getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static int clientPort(ConfigurableApplicationContext app) {
        return app.getBean(ServerHandle.class).clientPortNumber();
    }

    @Test
    void aBackupTakenUnderLoadRestoresEveryWriteAcknowledgedBeforeItsZxid() throws Exception {
        List<Ack> acked = new ArrayList<>();
        byte[] backup;
        long backupZxid;
        try (ConfigurableApplicationContext source = start(dir.resolve("source"))) {
            assertThat(get(source, "/commands/snapshot", null).statusCode()).isEqualTo(401);
            assertThat(get(source, "/commands/snapshot", "viewer").statusCode()).isEqualTo(403);

            ConcurrentLinkedQueue<Ack> queue = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            try (ZooKeeper zk = TestClients.connect(clientPort(source))) {
                zk.create("/load", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                Thread writer = new Thread(() -> {
                    try {
                        for (int i = 0; !stop.get(); i++) {
                            String path = "/load/n-" + i;
                            String data = "v" + i;
                            Stat stat = new Stat();
                            if (i % 3 == 2) { // some updates too: the restored data is the last acknowledged one
                                path = "/load/n-" + (i - 1);
                                stat = zk.setData(path, data.getBytes(StandardCharsets.UTF_8), -1);
                                queue.add(new Ack(path, data, stat.getMzxid()));
                                continue;
                            }
                            zk.create(
                                    path,
                                    data.getBytes(StandardCharsets.UTF_8),
                                    ZooDefs.Ids.OPEN_ACL_UNSAFE,
                                    CreateMode.PERSISTENT,
                                    stat);
                            queue.add(new Ack(path, data, stat.getCzxid()));
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
                writer.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> queue.size() >= 300 || failure.get() != null);
                HttpResponse<byte[]> r = get(source, "/commands/snapshot?streaming=true", "admin");
                assertThat(r.statusCode()).isEqualTo(200);
                backup = r.body();
                backupZxid = Long.decode(r.headers().firstValue("last_zxid").orElseThrow());
                assertThat(r.headers().firstValue("snapshot_size").orElseThrow())
                        .isEqualTo(String.valueOf(backup.length));
                int atBackup = queue.size();
                // writes go on after the backup
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> queue.size() >= atBackup + 200 || failure.get() != null);
                stop.set(true);
                writer.join();
                assertThat(failure.get()).isNull();
            }
            acked.addAll(queue);
        }
        long before = acked.stream().filter(a -> a.zxid() <= backupZxid).count();
        System.out.printf(
                "backup at zxid 0x%x, %d bytes: %d acknowledged writes before it, %d after%n",
                backupZxid, backup.length, before, acked.size() - before);
        assertThat(before).isGreaterThanOrEqualTo(300);
        assertThat(acked.stream().filter(a -> a.zxid() > backupZxid).count()).isGreaterThanOrEqualTo(1);

        Path file = dir.resolve("backup.cbak");
        Files.write(file, backup);
        Path restored = dir.resolve("restored");
        assertThat(restore(file, restored)).isZero();

        try (ConfigurableApplicationContext target = start(restored);
                ZooKeeper zk = TestClients.connect(clientPort(target))) {
            assertRestored(zk, acked, backupZxid);
            // and it takes new writes, above every zxid of the source
            Stat stat = new Stat();
            zk.create("/after-restore", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat);
            assertThat(stat.getCzxid())
                    .isGreaterThan(acked.stream().mapToLong(Ack::zxid).max().orElseThrow());
        }

        // into a new ensemble: the backup in two of three voters' directories (a majority), the third empty
        Path ensembleDir = dir.resolve("ensemble");
        assertThat(restore(file, ensembleDir.resolve("node1"))).isZero();
        assertThat(restore(file, ensembleDir.resolve("node2"))).isZero();
        try (Servers.EnsembleUnderTest ensemble = Servers.coordinatorEnsemble(ensembleDir, false)) {
            for (int port : ensemble.clientPorts()) { // every member, the one started empty too
                try (ZooKeeper zk = TestClients.connect(port)) {
                    zk.sync("/", (rc, path, ctx) -> {}, null);
                    assertRestored(zk, acked, backupZxid);
                }
            }
            try (ZooKeeper zk = TestClients.connect(ensemble.connectString())) {
                Stat stat = new Stat();
                zk.create("/after-restore", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat);
                assertThat(stat.getCzxid())
                        .isGreaterThan(acked.stream().mapToLong(Ack::zxid).max().orElseThrow());
            }
        }

        // a running ensemble member is not restored online: the leader would sync it back
        try (Servers.EnsembleUnderTest ensemble = Servers.coordinatorEnsemble(
                dir.resolve("live"),
                false,
                3,
                0,
                List.of(
                        "--coordinator.web.users.admin.password={noop}admin-pw",
                        "--coordinator.web.users.admin.role=ADMIN"))) {
            HttpResponse<byte[]> refused = post(ensemble.context(0), "/commands/restore", "admin", backup);
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(new String(refused.body(), StandardCharsets.UTF_8))
                    .contains("an ensemble member is restored offline");
            assertThat(ensemble.context(0).getBean(ServerHandle.class).isServing())
                    .isTrue();
        }

        // a restored data directory is not restored into again
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(RestoreBackup.run(
                        new String[] {"restore", file.toString(), restored.toString()},
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err)))
                .isEqualTo(1);
        assertThat(err.toString()).contains("already holds a server's state");
    }

    /**
     * ZooKeeper 3.9's {@code POST /commands/restore} on a running standalone server: an ADMIN only; a damaged backup
     * changes nothing; a good one replaces the state, moves the old one aside, and continues above every zxid the
     * server had given out, so a client whose session the backup holds carries on (and sees the backup's tree) while
     * a session made after the backup is expired. The restored state survives a restart.
     */
    @Test
    void aRunningServerIsRestoredOnlineAndItsClientsCarryOn() throws Exception {
        Path data = dir.resolve("online");
        byte[] backup;
        long lastBefore;
        try (ConfigurableApplicationContext app = start(data);
                ZooKeeper early = TestClients.connect(clientPort(app))) {
            early.create(
                    "/kept", "v1".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            early.create("/deleted-later", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            backup = get(app, "/commands/snapshot", "admin").body();

            try (ZooKeeper late = TestClients.connect(clientPort(app))) {
                early.setData("/kept", "v2".getBytes(StandardCharsets.UTF_8), -1);
                early.delete("/deleted-later", -1);
                Stat after = new Stat();
                early.create("/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, after);
                lastBefore = after.getCzxid();

                assertThat(post(app, "/commands/restore", null, backup).statusCode())
                        .isEqualTo(401);
                assertThat(post(app, "/commands/restore", "viewer", backup).statusCode())
                        .isEqualTo(403);
                byte[] damaged = backup.clone();
                damaged[damaged.length / 2] ^= 0x10;
                HttpResponse<byte[]> refused = post(app, "/commands/restore", "admin", damaged);
                assertThat(refused.statusCode()).isEqualTo(400);
                assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("fails its CRC");
                assertThat(early.exists("/after", false)).isNotNull(); // nothing changed

                CountDownLatch lateExpired = new CountDownLatch(1);
                late.register(e -> {
                    if (e.getState() == Watcher.Event.KeeperState.Expired) {
                        lateExpired.countDown();
                    }
                });
                HttpResponse<byte[]> restored = post(app, "/commands/restore", "admin", backup);
                String body = new String(restored.body(), StandardCharsets.UTF_8);
                assertThat(restored.statusCode()).as(body).isEqualTo(200);
                assertThat(body).contains("\"command\":\"restore\"").contains("\"error\":null");
                long restoredZxid = Long.parseLong(body.replaceAll(".*\"last_zxid\":(\\d+).*", "$1"));
                assertThat(restoredZxid).isGreaterThan(lastBefore);

                // the session made before the backup resumes on the restored state
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(
                                        new String(early.getData("/kept", false, null), StandardCharsets.UTF_8))
                                .isEqualTo("v1"));
                assertThat(early.exists("/deleted-later", false)).isNotNull();
                assertThat(early.exists("/after", false)).isNull();
                Stat next = new Stat();
                early.create("/next", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, next);
                assertThat(next.getCzxid()).isGreaterThan(restoredZxid);
                // the session made after it is gone
                assertThat(lateExpired.await(30, TimeUnit.SECONDS)).isTrue();

                List<Map<String, Object>> audit =
                        app.getBean(AuditLog.class).recent(l -> "restore".equals(l.get("operation")), 10);
                assertThat(audit).hasSize(2);
                assertThat(audit.get(0))
                        .containsEntry("result", "success")
                        .containsEntry("user", List.of("rest:admin"));
                assertThat(audit.get(1)).containsEntry("result", "failure").containsEntry("error", "HTTP_400");
            }
        }
        try (var aside = Files.list(data)) {
            Path before = aside.filter(p -> p.getFileName().toString().startsWith("before-restore-"))
                    .findFirst()
                    .orElseThrow();
            assertThat(before.resolve("log")).isDirectory();
            assertThat(before.resolve("snapshot")).isDirectory();
        }
        try (ConfigurableApplicationContext again = start(data);
                ZooKeeper zk = TestClients.connect(clientPort(again))) {
            assertThat(new String(zk.getData("/kept", false, null), StandardCharsets.UTF_8))
                    .isEqualTo("v1");
            assertThat(zk.exists("/next", false)).isNotNull();
            assertThat(zk.exists("/after", false)).isNull();
        }
    }

    /** The last acknowledged value of each path up to the backup's zxid, with its mzxid; nothing written after. */
    private static void assertRestored(ZooKeeper zk, List<Ack> acked, long backupZxid) throws Exception {
        Map<String, Ack> expected = new HashMap<>();
        for (Ack a : acked) {
            if (a.zxid() <= backupZxid) {
                expected.merge(a.path(), a, (x, y) -> x.zxid() > y.zxid() ? x : y);
            }
        }
        for (Ack a : expected.values()) {
            Stat stat = new Stat();
            byte[] data = zk.getData(a.path(), false, stat);
            assertThat(new String(data, StandardCharsets.UTF_8)).as(a.path()).isEqualTo(a.data());
            assertThat(stat.getMzxid()).as(a.path()).isEqualTo(a.zxid());
        }
        for (Ack a : acked) {
            if (a.zxid() > backupZxid && !expected.containsKey(a.path())) {
                assertThat(zk.exists(a.path(), false)).as(a.path()).isNull();
            }
        }
    }

    @Test
    void aDamagedOrCutBackupIsRefusedNamingTheOffsetAndNothingIsWritten() throws Exception {
        byte[] backup;
        try (ConfigurableApplicationContext source = start(dir.resolve("source"));
                ZooKeeper zk = TestClients.connect(clientPort(source))) {
            for (int i = 0; i < 50; i++) {
                zk.create("/n" + i, new byte[2000], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            backup = get(source, "/commands/snapshot", "admin").body();
        }
        assertThat(backup.length).isGreaterThan(100_000); // more than one chunk

        byte[] flipped = backup.clone();
        flipped[70_000] ^= 0x40; // inside the second chunk, which starts at 28 + 8 + 65536
        assertRefused(flipped, "chunk at offset 65572 (");
        byte[] cut = java.util.Arrays.copyOf(backup, 50_000);
        assertRefused(cut, "truncated: the backup ends at offset 50000");
        byte[] header = backup.clone();
        header[12] ^= 1; // the zxid
        assertRefused(header, "the header (offset 0 to 24) fails its CRC");
    }

    private void assertRefused(byte[] backup, String message) throws Exception {
        Path file = Files.write(dir.resolve("bad.cbak"), backup);
        Path target = dir.resolve("target-" + System.nanoTime());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = RestoreBackup.run(
                new String[] {"restore", file.toString(), target.toString()},
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains(file.toString()).contains(message);
        assertThat(target).doesNotExist(); // verified before anything is written
    }

    private static int restore(Path file, Path dataDir) {
        return RestoreBackup.run(new String[] {"restore", file.toString(), dataDir.toString()}, System.out, System.err);
    }
}
