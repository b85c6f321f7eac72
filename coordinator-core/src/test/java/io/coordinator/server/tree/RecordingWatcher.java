package io.coordinator.server.tree;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.WatcherEvent;
import java.util.ArrayList;
import java.util.List;

/** A Watcher that records what it receives. */
final class RecordingWatcher implements Watcher {
    record Event(int type, String path, long zxid, List<Acl> acl) {}

    final String name;
    final List<Event> events = new ArrayList<>();

    RecordingWatcher(String name) {
        this.name = name;
    }

    @Override
    public void process(WatcherEvent event, long zxid, List<Acl> acl) {
        events.add(new Event(event.type(), event.path(), zxid, acl));
    }

    /** "type:path" strings, e.g. "created:/a". */
    List<String> seen() {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            out.add(typeName(e.type()) + ":" + e.path());
        }
        return out;
    }

    void clear() {
        events.clear();
    }

    static String typeName(int type) {
        return switch (type) {
            case WatcherEvent.NODE_CREATED -> "created";
            case WatcherEvent.NODE_DELETED -> "deleted";
            case WatcherEvent.NODE_DATA_CHANGED -> "dataChanged";
            case WatcherEvent.NODE_CHILDREN_CHANGED -> "childrenChanged";
            default -> "type" + type;
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
