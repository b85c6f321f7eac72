package io.coordinator.trust.nemesis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeperMain;
import org.apache.zookeeper.admin.ZooKeeperAdmin;

/**
 * A {@code reconfig} command run by ZooKeeper's own zkCli ({@link ZooKeeperMain}), as an operator runs it, signed in
 * as the harness's super user. zkCli prints a failure (a connection lost during an election, a reconfig already in
 * progress) rather than throwing, and a lost answer leaves the outcome open; so the committed configuration is read
 * back (after a sync) and the command is run again until it shows the change, within a minute.
 */
final class ZkCliReconfig {
    private static final long WITHIN_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long CONNECT_SECONDS = 10;

    private ZkCliReconfig() {}

    /**
     * Runs {@code command} against {@code connectString} until {@code done} holds for the committed config text;
     * returns that config's version.
     */
    static long run(String connectString, String command, Predicate<String> done)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WITHIN_NANOS;
        Exception last = null;
        while (System.nanoTime() < deadline) {
            ZooKeeperAdmin admin = connect(connectString);
            try {
                String config = committedConfig(admin);
                if (!done.test(config)) {
                    new ZooKeeperMain(admin).executeLine(command);
                    config = committedConfig(admin);
                }
                if (done.test(config)) {
                    return version(config);
                }
            } catch (KeeperException | ExecutionException | TimeoutException e) {
                last = e; // the member lost its leader or this connection: the next attempt finds out
            } finally {
                admin.close();
            }
            Thread.sleep(200); // another process's election: there is no event to wait on
        }
        throw new IllegalStateException("zkCli '" + command + "' did not take effect within 60 s", last);
    }

    private static ZooKeeperAdmin connect(String connectString) throws IOException, InterruptedException {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        ZooKeeperAdmin admin = new ZooKeeperAdmin(connectString, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.complete(null);
            }
        });
        admin.addAuthInfo("digest", ServerNode.SUPER_USER.getBytes(StandardCharsets.UTF_8));
        try {
            connected.get(CONNECT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // not connected yet: the sync below fails and the caller tries again
        }
        return admin;
    }

    /** /zookeeper/config after a sync, so it is at least the leader's committed config at the time. */
    private static String committedConfig(ZooKeeperAdmin admin)
            throws KeeperException, InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<Integer> synced = new CompletableFuture<>();
        admin.sync("/zookeeper/config", (rc, path, ctx) -> synced.complete(rc), null);
        int rc = synced.get(CONNECT_SECONDS, TimeUnit.SECONDS);
        if (rc != 0) {
            throw KeeperException.create(KeeperException.Code.get(rc));
        }
        return new String(admin.getConfig(false, null), StandardCharsets.UTF_8);
    }

    private static long version(String config) {
        int at = config.indexOf("version=");
        return at < 0
                ? 0
                : Long.parseLong(config.substring(at + "version=".length()).trim(), 16);
    }
}
