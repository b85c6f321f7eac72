package io.coordinator.server.tree;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.ZkException;

/** ZooKeeper's path rules (PathUtils.validatePath); a bad path is BADARGUMENTS on the wire. */
public final class PathValidator {

    private PathValidator() {}

    public static void validate(String path) {
        String reason = reason(path);
        if (reason != null) {
            throw new ZkException(Code.BADARGUMENTS, "Invalid path \"" + path + "\": " + reason);
        }
    }

    public static boolean isValid(String path) {
        return reason(path) == null;
    }

    /** Why the path is invalid, or null when it is fine. */
    static String reason(String path) {
        if (path == null) {
            return "path cannot be null";
        }
        if (path.isEmpty()) {
            return "path length must be > 0";
        }
        if (path.charAt(0) != '/') {
            return "path must start with /";
        }
        if (path.length() == 1) {
            return null;
        }
        if (path.charAt(path.length() - 1) == '/') {
            return "path must not end with /";
        }
        char last = '/';
        for (int i = 1; i < path.length(); last = path.charAt(i), i++) {
            char c = path.charAt(i);
            boolean segmentEnds = i + 1 == path.length() || path.charAt(i + 1) == '/';
            if (c == 0) {
                return "null character @" + i;
            } else if (c == '/' && last == '/') {
                return "empty node name @" + i;
            } else if (c == '.' && last == '.') {
                if (path.charAt(i - 2) == '/' && segmentEnds) {
                    return "relative paths not allowed @" + i;
                }
            } else if (c == '.') {
                if (last == '/' && segmentEnds) {
                    return "relative paths not allowed @" + i;
                }
            } else if (c <= '\u001f'
                    || (c >= '\u007f' && c <= '\u009f')
                    || (c >= '\ud800' && c <= '\uf8ff')
                    || c >= '\ufff0') {
                return "invalid character @" + i;
            }
        }
        return null;
    }
}
