package io.coordinator.trust.workload;

import io.coordinator.trust.history.Request;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random ops over a small key space under one root, so they conflict: keys {@code k0..k4} (created
 * persistent or ephemeral, set and deleted with and without versions), sequential children under {@code q},
 * ephemeral sequential children under {@code e}, reads with and without watches, sync+read, and multi.
 * Every written value is unique ({@code c<client>-<n>}), so a read names the write it saw. Some ops go out as a
 * pipeline (several requests in flight on one session).
 */
final class OpGenerator {
    static final int KEYS = 5;

    private final String root;
    private final int client;
    private final Random random;
    private final Map<String, Integer> seenVersion = new HashMap<>();
    private List<String> seenQueue = List.of();
    private int n;

    OpGenerator(String root, int client, long seed) {
        this.root = root;
        this.client = client;
        this.random = new Random(seed);
    }

    /** What the last read or write showed, to make versioned writes that often (not always) match. */
    void saw(String path, int version) {
        seenVersion.put(path, version);
    }

    void sawQueue(List<String> children) {
        seenQueue = children;
    }

    /**
     * The next ops to send: mostly one, sometimes (one in ten) a pipeline of a write and two reads sent back to
     * back without waiting, so the reads queue behind the write on the server and their replies must still come
     * in request order.
     */
    List<Request> nextBatch() {
        if (random.nextInt(10) > 0) {
            return List.of(next());
        }
        String key = key();
        Request write =
                random.nextBoolean() ? Request.set(key, value(), -1) : Request.create(key, value(), false, false);
        return List.of(write, Request.get(key(), random.nextBoolean()), Request.exists(key(), random.nextBoolean()));
    }

    Request next() {
        String key = key();
        int r = random.nextInt(100);
        if (r < 12) {
            return Request.create(key, value(), random.nextInt(10) < 3, false);
        } else if (r < 18) {
            return Request.create(root + "/q/s-", value(), false, true);
        } else if (r < 21) {
            return Request.create(root + "/e/c" + client + "-", value(), true, true);
        } else if (r < 39) {
            return Request.set(key, value(), version(key));
        } else if (r < 47) {
            return Request.delete(key, version(key));
        } else if (r < 50 && !seenQueue.isEmpty()) {
            return Request.delete(root + "/q/" + seenQueue.get(random.nextInt(seenQueue.size())), -1);
        } else if (r < 65) {
            return Request.get(key, random.nextBoolean());
        } else if (r < 73) {
            return Request.exists(key, random.nextBoolean());
        } else if (r < 83) {
            String[] dirs = {root, root + "/q", root + "/e"};
            return Request.children(dirs[random.nextInt(3)], random.nextBoolean());
        } else if (r < 91) {
            return Request.syncGet(key);
        }
        return multi(key);
    }

    private Request multi(String key) {
        String other = key();
        return switch (random.nextInt(3)) {
            case 0 -> Request.multi(Request.check(key, version(key)), Request.set(other, value(), -1));
            case 1 -> Request.multi(Request.create(key, value(), false, false), Request.delete(other, -1));
            default ->
                Request.multi(
                        Request.delete(key, -1),
                        Request.create(key, value(), random.nextBoolean(), false),
                        Request.create(root + "/q/m-", value(), false, true));
        };
    }

    private String key() {
        return root + "/k" + random.nextInt(KEYS);
    }

    private int version(String key) {
        return random.nextBoolean() ? -1 : seenVersion.getOrDefault(key, 0);
    }

    private String value() {
        return "c" + client + "-" + (++n);
    }
}
