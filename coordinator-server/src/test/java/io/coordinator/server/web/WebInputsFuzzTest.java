package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.coordinator.config.format.DocumentException;
import io.coordinator.config.format.DocumentFormat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the REST API's own parsing (what Spring does not parse for it). Byte 0 picks the parser, the rest
 * is its input (UTF-8; where there are two inputs they are split at the first NUL):
 * znode paths, configuration context names, property names, data + encoding, ACL perms, If-Match, create
 * modes, and property documents (YAML / .properties) as the config reader parses them.
 *
 * <p>Contract: a bad input is an {@link ApiException} with a 4xx status and a message; nothing else escapes.
 * Property documents throw nothing but a {@link DocumentException} with a message, and never stall.
 */
class WebInputsFuzzTest {
    private static final int PARSERS = 9;

    @FuzzTest
    void parse(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int which = (input[0] & 0xff) % PARSERS;
        byte[] raw = Arrays.copyOfRange(input, 1, input.length);
        String text = new String(raw, StandardCharsets.UTF_8);
        int nul = text.indexOf('\0');
        String first = nul < 0 ? text : text.substring(0, nul);
        String second = nul < 0 ? null : text.substring(nul + 1);
        try {
            switch (which) {
                case 0 -> assertThat(Znodes.path(text, false)).startsWith("/");
                case 1 -> Znodes.path(text, true);
                case 2 -> assertThat(ConfigStore.Context.parse(text).name()).isEqualTo(text);
                case 3 -> assertThat(ConfigStore.checkKey(text)).isEqualTo(text);
                case 4 -> assertThat(Znodes.decode(first, second, 1024).length).isLessThanOrEqualTo(1024);
                case 5 -> new Znodes.AclView("world", "anyone", text).toAcl();
                case 6 -> ZnodeController.ifMatchVersion(text);
                case 7 -> ZnodeController.mode(text);
                default -> {
                    try {
                        assertThat(DocumentFormat.ofContextData(text).parse(raw))
                                .isNotNull();
                    } catch (DocumentException unreadable) {
                        assertThat(unreadable.getMessage()).isNotBlank();
                    }
                    return;
                }
            }
        } catch (ApiException e) {
            assertThat(e.status().is4xxClientError()).isTrue();
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    static final List<String> PARSER_NAMES = List.of(
            "path",
            "sequentialPath",
            "context",
            "propertyName",
            "dataAndEncoding",
            "aclPerms",
            "ifMatch",
            "createMode",
            "propertyDocument");
}
