package io.coordinator.trust.history;

import java.util.List;

/**
 * An operation as the client asked for it. {@code version} -1 means "any version"; {@code data} values are
 * unique per write so a read names the write it saw.
 */
public record Request(
        Kind kind,
        String path,
        String data,
        int version,
        boolean ephemeral,
        boolean sequential,
        boolean watch,
        List<Request> subs) {

    public static Request create(String path, String data, boolean ephemeral, boolean sequential) {
        return new Request(Kind.CREATE, path, data, -1, ephemeral, sequential, false, List.of());
    }

    public static Request set(String path, String data, int version) {
        return new Request(Kind.SET, path, data, version, false, false, false, List.of());
    }

    public static Request delete(String path, int version) {
        return new Request(Kind.DELETE, path, null, version, false, false, false, List.of());
    }

    public static Request check(String path, int version) {
        return new Request(Kind.CHECK, path, null, version, false, false, false, List.of());
    }

    public static Request multi(Request... subs) {
        return new Request(Kind.MULTI, "/", null, -1, false, false, false, List.of(subs));
    }

    public static Request get(String path, boolean watch) {
        return new Request(Kind.GET, path, null, -1, false, false, watch, List.of());
    }

    public static Request exists(String path, boolean watch) {
        return new Request(Kind.EXISTS, path, null, -1, false, false, watch, List.of());
    }

    public static Request children(String path, boolean watch) {
        return new Request(Kind.CHILDREN, path, null, -1, false, false, watch, List.of());
    }

    public static Request syncGet(String path) {
        return new Request(Kind.SYNC_GET, path, null, -1, false, false, false, List.of());
    }

    public boolean isWrite() {
        return kind.isWrite();
    }

    /** Every path this op reads or changes, with the parents whose children it changes. */
    public List<String> touchedPaths() {
        if (kind == Kind.MULTI) {
            return subs.stream()
                    .flatMap(s -> s.touchedPaths().stream())
                    .distinct()
                    .toList();
        }
        if (kind == Kind.CREATE || kind == Kind.DELETE) {
            return List.of(path, Paths.parent(path));
        }
        return List.of(path);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CREATE ->
                "create(" + path + (sequential ? "<seq>" : "") + (ephemeral ? ", ephemeral" : "") + ", " + data + ")";
            case SET -> "setData(" + path + ", " + data + ", v" + version + ")";
            case DELETE -> "delete(" + path + ", v" + version + ")";
            case CHECK -> "check(" + path + ", v" + version + ")";
            case MULTI -> "multi" + subs;
            case GET -> "getData(" + path + (watch ? ", watch" : "") + ")";
            case EXISTS -> "exists(" + path + (watch ? ", watch" : "") + ")";
            case CHILDREN -> "getChildren(" + path + (watch ? ", watch" : "") + ")";
            case SYNC_GET -> "sync+getData(" + path + ")";
        };
    }
}
