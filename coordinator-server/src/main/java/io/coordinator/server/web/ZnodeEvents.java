package io.coordinator.server.web;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live changes of the tree for the console, as server-sent events: one persistent recursive watch on {@code /}
 * (ZooKeeper 3.6+ {@code addWatch}) on the REST layer's session, fanned out to every subscriber. Each event is
 * {@code {"type":"NodeCreated|NodeDeleted|NodeDataChanged","path":"/..."}}; after a new session the watch is set
 * again on the next subscription.
 *
 * <p>A lifecycle bean only to end the streams at shutdown: an open stream is an active request, and the web
 * server's graceful shutdown would otherwise wait its whole timeout for consoles that never hang up.
 */
public final class ZnodeEvents implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ZnodeEvents.class);
    private final LocalZooKeeper zk;
    private final CopyOnWriteArrayList<Subscriber> emitters = new CopyOnWriteArrayList<>();

    /** An event stream and the paths its user may be told of. */
    private record Subscriber(SseEmitter emitter, Predicate<String> readable) {}

    private ZooKeeper watchedOn;
    private volatile boolean running;

    public ZnodeEvents(LocalZooKeeper zk) {
        this.zk = zk;
    }

    /** A stream of the changes to the paths {@code readable} accepts. */
    public SseEmitter subscribe(Predicate<String> readable) throws KeeperException, InterruptedException {
        ensureWatch();
        SseEmitter emitter = new SseEmitter(30L * 60 * 1000);
        Subscriber subscriber = new Subscriber(emitter, readable);
        emitters.add(subscriber);
        emitter.onCompletion(() -> emitters.remove(subscriber));
        emitter.onTimeout(() -> emitters.remove(subscriber));
        emitter.onError(e -> emitters.remove(subscriber));
        try {
            emitter.send(SseEmitter.event().name("ready").data(Map.of("watching", "/")));
        } catch (IOException e) {
            emitters.remove(subscriber);
        }
        return emitter;
    }

    private synchronized void ensureWatch() throws KeeperException, InterruptedException {
        ZooKeeper z = zk.get();
        if (z == watchedOn) {
            return;
        }
        z.addWatch("/", this::onEvent, AddWatchMode.PERSISTENT_RECURSIVE);
        watchedOn = z;
    }

    private void onEvent(WatchedEvent event) {
        if (event.getType() == Watcher.Event.EventType.None) {
            if (event.getState() == Watcher.Event.KeeperState.Expired
                    || event.getState() == Watcher.Event.KeeperState.Closed) {
                synchronized (this) {
                    watchedOn = null;
                }
            }
            return;
        }
        Map<String, String> data = Map.of("type", event.getType().name(), "path", event.getPath());
        for (Subscriber s : emitters) {
            if (s.readable().test(event.getPath())) {
                send(s, "znode", data);
            }
        }
        log.trace("event {}", data);
    }

    /**
     * An event that is not a znode change ({@link MemberEvents}' {@code member}) to every subscriber: only for what
     * every user who may open the stream may read.
     */
    public void broadcast(String name, Object data) {
        for (Subscriber s : emitters) {
            send(s, name, data);
        }
    }

    private void send(Subscriber s, String name, Object data) {
        try {
            s.emitter().send(SseEmitter.event().name(name).data(data));
        } catch (IOException | IllegalStateException gone) {
            emitters.remove(s);
        }
    }

    /** Subscribers now (for tests and metrics). */
    public int subscribers() {
        return emitters.size();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        for (Subscriber s : emitters) {
            s.emitter().complete();
        }
        emitters.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // stops before the web server's graceful shutdown (and before LocalZooKeeper, MAX_VALUE - 998)
        return Integer.MAX_VALUE - 997;
    }
}
