package io.coordinator.server.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.ZkException;
import org.apache.zookeeper.common.PathUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathValidatorTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/",
                "/a",
                "/a/b",
                "/a.b",
                "/.a",
                "/a.",
                "/...",
                "/a/..b",
                "/a/b..",
                "/zookeeper",
                "/a b",
                "/é",
                "/日本",
                "/a-b_c",
                "/x/.y",
                "/\u00a0",
                "/\ufeff"
            })
    void validPaths(String path) {
        assertThatCode(() -> PathValidator.validate(path)).doesNotThrowAnyException();
        assertThat(PathValidator.isValid(path)).isTrue();
        assertThatCode(() -> PathUtils.validatePath(path)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "a",
                "a/b",
                "/a/",
                "//",
                "/a//b",
                "/.",
                "/..",
                "/a/.",
                "/a/..",
                "/./a",
                "/../a",
                "/a/./b",
                "/a/../b",
                "/a\u0000b",
                "/a\u0001",
                "/a\u001f",
                "/a\u007f",
                "/a\u009f",
                "/a\ud800",
                "/a\ue000",
                "/a\uf8ff",
                "/a\ufff0",
                "/a\uffff",
                "/x/"
            })
    void invalidPaths(String path) {
        assertThatThrownBy(() -> PathValidator.validate(path))
                .isInstanceOf(ZkException.class)
                .extracting(e -> ((ZkException) e).code())
                .isEqualTo(Code.BADARGUMENTS);
        assertThat(PathValidator.isValid(path)).isFalse();
        // The reference implementation agrees.
        assertThatThrownBy(() -> PathUtils.validatePath(path)).isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.api.Test
    void nullIsInvalid() {
        assertThatThrownBy(() -> PathValidator.validate(null)).isInstanceOf(ZkException.class);
    }

    @org.junit.jupiter.api.Test
    void agreesWithZooKeeperOnEveryShortPathOverATrickyAlphabet() {
        char[] alphabet = {'/', '.', 'a', '\u0000', '\u001f', ' ', '\u007f', '\u00a0', '\ud800', '\ufff0', '\ufeff'};
        int checked = 0;
        for (int len = 1; len <= 4; len++) {
            int[] idx = new int[len];
            while (true) {
                StringBuilder sb = new StringBuilder();
                for (int i : idx) {
                    sb.append(alphabet[i]);
                }
                String path = sb.toString();
                boolean zk;
                try {
                    PathUtils.validatePath(path);
                    zk = true;
                } catch (IllegalArgumentException e) {
                    zk = false;
                }
                assertThat(PathValidator.isValid(path))
                        .as("path %s", path.codePoints().boxed().toList())
                        .isEqualTo(zk);
                checked++;
                int k = len - 1;
                while (k >= 0 && ++idx[k] == alphabet.length) {
                    idx[k--] = 0;
                }
                if (k < 0) {
                    break;
                }
            }
        }
        assertThat(checked).isGreaterThan(10_000);
    }
}
