package io.coordinator.trust.history;

/** Path helpers. */
public final class Paths {
    private Paths() {}

    public static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
