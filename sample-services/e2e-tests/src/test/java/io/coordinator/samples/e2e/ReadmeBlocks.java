package io.coordinator.samples.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced code blocks of the README that are marked for a test: an HTML comment
 * {@code <!-- outside-consumer: NAME -->} (invisible when rendered) followed by a fenced block, whose content is
 * the block named NAME.
 */
final class ReadmeBlocks {
    private final String text;

    private ReadmeBlocks(String text) {
        this.text = text;
    }

    static ReadmeBlocks read(Path readme) throws IOException {
        return new ReadmeBlocks(Files.readString(readme));
    }

    /** The content of the block marked {@code name}; fails when there is none or more than one. */
    String block(String name) {
        Pattern marked = Pattern.compile(
                "<!-- outside-consumer: " + Pattern.quote(name) + " -->\\R```[\\w.-]*\\R(.*?)\\R```", Pattern.DOTALL);
        Matcher m = marked.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException(
                    "README.md has no fenced block marked <!-- outside-consumer: " + name + " -->");
        }
        String content = m.group(1);
        if (m.find()) {
            throw new IllegalStateException("README.md has two blocks marked <!-- outside-consumer: " + name + " -->");
        }
        return content;
    }
}
