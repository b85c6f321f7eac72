package io.coordinator.spring.config;

import java.nio.charset.StandardCharsets;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Why a configuration document does not parse, as "line L, column C: problem" when the parser says where. */
final class DocumentError {
    private DocumentError() {
    }

    static String describe(Throwable error, byte[] data) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException y && y.getProblemMark() != null) {
                Mark m = y.getProblemMark();
                String context = y.getContext() == null ? "" : y.getContext() + ": ";
                return "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": " + context + y.getProblem();
            }
        }
        String message = String.valueOf(error.getMessage()).strip();
        if (error instanceof IllegalArgumentException && message.startsWith("Malformed \\uxxxx")) {
            return where(data, "\\u") + message; // java.util.Properties says what, not where
        }
        return message;
    }

    /** "line L, column C: " of the first malformed \\u escape in a .properties text, or "" when not found. */
    private static String where(byte[] data, String token) {
        String[] lines = new String(data, StandardCharsets.ISO_8859_1).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int at = lines[i].indexOf(token);
            while (at >= 0) {
                String hex = lines[i].substring(at + 2, Math.min(lines[i].length(), at + 6));
                if (!hex.matches("[0-9A-Fa-f]{4}")) {
                    return "line " + (i + 1) + ", column " + (at + 1) + ": ";
                }
                at = lines[i].indexOf(token, at + 2);
            }
        }
        return "";
    }
}
