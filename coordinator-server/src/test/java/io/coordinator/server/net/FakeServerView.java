package io.coordinator.server.net;

import io.coordinator.server.request.ServerView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A settable {@link ServerView} for tests. */
final class FakeServerView implements ServerView {
    volatile boolean serving = true;
    volatile boolean readOnly;
    volatile String mode = "standalone";
    volatile long zxid = 0x100000005L;
    volatile int nodes = 5;
    volatile int outstanding;
    Map<Long, List<String>> watchesBySession = new LinkedHashMap<>();
    Map<String, List<Long>> watchesByPath = new LinkedHashMap<>();
    Map<Long, List<String>> ephemerals = new LinkedHashMap<>();
    Map<String, String> configuration = new LinkedHashMap<>(Map.of("clientPort", "2181"));

    @Override
    public boolean isServing() {
        return serving;
    }

    @Override
    public String mode() {
        return mode;
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public long lastProcessedZxid() {
        return zxid;
    }

    @Override
    public int nodeCount() {
        return nodes;
    }

    @Override
    public long approximateDataSize() {
        return 42;
    }

    @Override
    public int ephemeralCount() {
        return ephemerals.values().stream().mapToInt(List::size).sum();
    }

    @Override
    public int sessionCount() {
        return 2;
    }

    @Override
    public int outstandingRequests() {
        return outstanding;
    }

    @Override
    public int watchCount() {
        return watchesBySession.values().stream().mapToInt(List::size).sum();
    }

    @Override
    public int watchedPathCount() {
        return watchesByPath.size();
    }

    @Override
    public int watchingSessionCount() {
        return watchesBySession.size();
    }

    @Override
    public Map<Long, List<String>> watchesBySession() {
        return watchesBySession;
    }

    @Override
    public Map<String, List<Long>> watchesByPath() {
        return watchesByPath;
    }

    @Override
    public Map<Long, List<String>> ephemeralsBySession() {
        return ephemerals;
    }

    @Override
    public Map<String, String> configuration() {
        return configuration;
    }
}
