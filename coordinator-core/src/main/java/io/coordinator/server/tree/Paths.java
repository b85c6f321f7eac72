package io.coordinator.server.tree;

/** Path arithmetic on valid absolute paths. */
final class Paths {

    private Paths() {}

    /** The parent path ("/" for a top-level node), or null for "/" itself. */
    static String parent(String path) {
        if (path.equals("/")) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String child(String parent, String name) {
        return parent.equals("/") ? "/" + name : parent + "/" + name;
    }

    /** True if {@code path} is {@code ancestor} or lies below it. */
    static boolean isAtOrBelow(String path, String ancestor) {
        if (ancestor.equals("/")) {
            return true;
        }
        return path.equals(ancestor) || path.startsWith(ancestor + "/");
    }
}
