package io.coordinator.server.it;

import io.coordinator.testsupport.FaultProxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Stat;

/**
 * The second half of the golden comparison: the same kind of transcript, made with the official
 * ZooKeeper 3.9.5 Java client (through a cuttable proxy, so that its own reconnect + setWatches2 path runs).
 * Watch events are rendered at checkpoints: an async call's callback runs on the client's event thread
 * after every event that arrived before its reply, so the order is exact without any sleep.
 */
final class GoldenClientScript {
    private final Transcript t;
    private final int port;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    GoldenClientScript(Transcript t, int port) {
        this.t = t;
        this.port = port;
    }

    static byte[] b(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    Watcher named(String name) {
        // state changes (type None) reach every watcher in hash order: only the default watcher records them
        return e -> {
            if (e.getType() != Watcher.Event.EventType.None) {
                events.add(name + " " + e.getType() + " " + e.getState() + " " + e.getPath());
            }
        };
    }

    String render(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof Stat st) {
            return t.stat(st);
        }
        if (o instanceof byte[] d) {
            return Transcript.data(d);
        }
        if (o instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            boolean sort = true;
            for (Object x : l) {
                if (x instanceof OpResult r) {
                    sort = false;
                    out.add(opResult(r));
                } else if (x instanceof ACL a) {
                    sort = false;
                    out.add(a.getPerms() + ":" + a.getId().getScheme() + ":"
                            + a.getId().getId());
                } else if (x instanceof ClientInfo ci) {
                    out.add(ci.getAuthScheme() + ":" + ci.getUser());
                } else {
                    out.add(String.valueOf(x));
                }
            }
            if (sort) {
                out.sort(null);
            }
            return out.toString();
        }
        return String.valueOf(o);
    }

    String opResult(OpResult r) {
        if (r instanceof OpResult.CreateResult c) {
            return "create(" + c.getType() + "," + c.getPath() + "," + render(c.getStat()) + ")";
        }
        if (r instanceof OpResult.SetDataResult s) {
            return "setData(" + render(s.getStat()) + ")";
        }
        if (r instanceof OpResult.DeleteResult) {
            return "delete";
        }
        if (r instanceof OpResult.CheckResult) {
            return "check";
        }
        if (r instanceof OpResult.ErrorResult e) {
            return "error(" + e.getErr() + ")";
        }
        if (r instanceof OpResult.GetDataResult g) {
            return "getData(" + render(g.getData()) + "," + render(g.getStat()) + ")";
        }
        if (r instanceof OpResult.GetChildrenResult g) {
            return "getChildren(" + render(g.getChildren()) + ")";
        }
        return r.getClass().getSimpleName() + "(" + r.getType() + ")";
    }

    void call(String label, Callable<Object> c) {
        t.steps++;
        try {
            t.add("C " + label + " -> " + render(c.call()));
        } catch (KeeperException e) {
            t.add("C " + label + " -> KeeperException " + e.code().intValue()
                    + (e.getResults() != null ? " results=" + render(e.getResults()) : ""));
        } catch (Exception e) {
            t.add("C " + label + " -> " + e.getClass().getSimpleName());
        }
    }

    /** {@link #call} of a create of {@code path}, persistent and without data, by {@code client}. */
    void callCreate(String label, ZooKeeper client, String path) {
        call(label, () -> client.create(path, null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
    }

    /** Renders every event delivered before the reply to an async exists on the given client. */
    void checkpoint(String label, ZooKeeper z) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        z.exists("/", false, (rc, path, ctx, stat) -> done.complete(rc), null);
        done.get(30, TimeUnit.SECONDS);
        List<String> got = new ArrayList<>();
        events.drainTo(got);
        for (String e : got) {
            t.add("  EV " + e);
        }
        t.add("C checkpoint " + label);
    }

    void run() throws Exception {
        CompletableFuture<Void> up = new CompletableFuture<>();
        try (FaultProxy proxy = new FaultProxy(port);
                ZooKeeper other = new ZooKeeper("127.0.0.1:" + port, 30_000, e -> {})) {
            ZooKeeper z = new ZooKeeper("127.0.0.1:" + proxy.port(), 30_000, e -> {
                if (e.getType() == Watcher.Event.EventType.None) {
                    events.add("default None " + e.getState() + " " + e.getPath());
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        up.complete(null);
                    }
                } else {
                    events.add("default " + e.getType() + " " + e.getState() + " " + e.getPath());
                }
            });
            try {
                up.get(30, TimeUnit.SECONDS);
                checkpoint("connected", z);
                String r = "/oc";
                call("create " + r, () -> z.create(r, b("root"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                Stat st = new Stat();
                for (CreateMode m : CreateMode.values()) {
                    String path = r + "/" + m.name().toLowerCase();
                    long ttl = m.isTTL() ? 3_600_000L : -1;
                    call(
                            "create2 " + m,
                            () -> z.create(path, b(m.name()), Ids.OPEN_ACL_UNSAFE, m, st, ttl) + " " + render(st));
                }
                call("getChildren2 " + r, () -> render(z.getChildren(r, false, st)) + " " + render(st));
                call("getEphemerals", () -> z.getEphemerals());
                call("getEphemerals " + r + "/eph", () -> z.getEphemerals(r + "/eph"));
                call("getAllChildrenNumber " + r, () -> z.getAllChildrenNumber(r));
                call("whoAmI", () -> z.whoAmI());
                call("getConfig", () -> render(z.getConfig(false, st)) + " " + render(st));
                call("exists watch " + r + "/w", () -> z.exists(r + "/w", named("w-exists")));
                callCreate("create " + r + "/w", z, r + "/w");
                call("getData watch " + r + "/w", () -> z.getData(r + "/w", named("w-data"), st));
                call("getChildren watch " + r + "/w", () -> z.getChildren(r + "/w", named("w-child")));
                call("setData " + r + "/w", () -> z.setData(r + "/w", b("x"), 0));
                checkpoint("after setData", z);
                Watcher recW = named("rec");
                Watcher perW = named("per");
                call("addWatch recursive " + r + "/rec", () -> {
                    z.addWatch(r + "/rec", recW, AddWatchMode.PERSISTENT_RECURSIVE);
                    return "ok";
                });
                call("addWatch persistent " + r + "/per", () -> {
                    z.addWatch(r + "/per", perW, AddWatchMode.PERSISTENT);
                    return "ok";
                });
                callCreate("create " + r + "/rec", z, r + "/rec");
                callCreate("create " + r + "/per", z, r + "/per");
                callCreate("other create " + r + "/rec/a", other, r + "/rec/a");
                checkpoint("after recursive create", z);
                call(
                        "multi ok",
                        () -> z.multi(List.of(
                                Op.create(r + "/m1", b("1"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                                Op.create(r + "/m2", b("2"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL),
                                Op.setData(r + "/m1", b("11"), 0),
                                Op.check(r + "/m1", 1),
                                Op.delete(r + "/m1", 1),
                                Op.create(r + "/per/c", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))));
                call(
                        "multi fails",
                        () -> z.multi(List.of(
                                Op.create(r + "/m3", b("3"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                                Op.check(r + "/w", 0),
                                Op.delete(r + "/w", -1))));
                call(
                        "multiRead",
                        () -> z.multi(
                                List.of(Op.getChildren(r + "/per"), Op.getData(r + "/w"), Op.getData(r + "/nope"))));
                checkpoint("after multi", z);

                // the client loses its connection while changes happen; it reconnects with setWatches2
                call("getData watch " + r + "/w again", () -> z.getData(r + "/w", named("w-data2"), st));
                call("exists watch " + r + "/later", () -> z.exists(r + "/later", named("later")));
                call(
                        "getChildren watch " + r,
                        () -> z.getChildren(r, named("root-child")).size());
                proxy.refuseNew(true);
                proxy.cutAll();
                call("other setData " + r + "/w", () -> other.setData(r + "/w", b("while-away"), -1));
                callCreate("other create " + r + "/later", other, r + "/later");
                callCreate("other create " + r + "/rec/b", other, r + "/rec/b");
                call("other delete " + r + "/per/c", () -> {
                    other.delete(r + "/per/c", -1);
                    return "ok";
                });
                CompletableFuture<Void> back = new CompletableFuture<>();
                z.register(e -> {
                    events.add("default " + e.getType() + " " + e.getState() + " " + e.getPath());
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        back.complete(null);
                    }
                });
                proxy.refuseNew(false);
                back.get(60, TimeUnit.SECONDS);
                checkpoint("after reconnect", z);
                callCreate("other create " + r + "/rec/c (recursive watch re-armed)", other, r + "/rec/c");
                callCreate("other create " + r + "/per/d (persistent watch re-armed)", other, r + "/per/d");
                checkpoint("after re-armed watches", z);
                call("removeWatches recursive", () -> {
                    z.removeWatches(r + "/rec", recW, Watcher.WatcherType.Any, false);
                    return "ok";
                });
                call("removeAllWatches per", () -> {
                    z.removeAllWatches(r + "/per", Watcher.WatcherType.Any, false);
                    return "ok";
                });
                call("removeWatches unknown watcher", () -> {
                    z.removeWatches(r + "/w", named("unknown"), Watcher.WatcherType.Data, false);
                    return "ok";
                });
                call("removeAllWatches none", () -> {
                    z.removeAllWatches(r + "/nope", Watcher.WatcherType.Any, false);
                    return "ok";
                });
                callCreate("other create " + r + "/rec/d (unwatched)", other, r + "/rec/d");
                checkpoint("after remove", z);
                call("addAuthInfo digest", () -> {
                    z.addAuthInfo("digest", b("carol:pw"));
                    return "ok";
                });
                call("whoAmI", () -> z.whoAmI());
                call(
                        "create with CREATOR_ALL_ACL",
                        () -> z.create(r + "/carol", b("c"), Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
                call("getACL", () -> render(z.getACL(r + "/carol", st)) + " " + render(st));
                call("other getData (no auth)", () -> other.getData(r + "/carol", false, null));
                call("setACL", () -> z.setACL(r + "/carol", Ids.READ_ACL_UNSAFE, 0));
                call("other getData", () -> other.getData(r + "/carol", false, null));
                call("sync", () -> {
                    CompletableFuture<String> f = new CompletableFuture<>();
                    z.sync(r, (rc, path, ctx) -> f.complete(rc + " " + path), null);
                    return f.get(30, TimeUnit.SECONDS);
                });
                try (ZooKeeper chroot = new ZooKeeper("127.0.0.1:" + port + r, 30_000, e -> {})) {
                    call(
                            "chroot create /x",
                            () -> chroot.create("/x", b("x"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL));
                    call(
                            "chroot getChildren /",
                            () -> chroot.getChildren("/", false).size());
                    call("chroot getData watch /w", () -> chroot.getData("/w", named("chroot-w"), null));
                    call("setData " + r + "/w", () -> z.setData(r + "/w", b("y"), -1));
                    checkpoint("chroot event", chroot);
                }
                call("close", () -> {
                    z.close();
                    return "ok";
                });
                call("other getEphemerals", () -> other.getEphemerals());
                call("other exists " + r + "/ephemeral", () -> other.exists(r + "/ephemeral", false));
            } finally {
                z.close();
            }
        }
    }
}
