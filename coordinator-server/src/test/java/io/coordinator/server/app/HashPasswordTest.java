package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/** {@code hash-password} prints what coordinator.web.users.<name>.password takes, and refuses weak input. */
class HashPasswordTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) throws Exception {
        return HashPassword.run(
                args,
                null,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsABcryptHashTheServerAccepts() throws Exception {
        assertThat(run("correct horse battery\n", "hash-password")).isZero();
        String hash = out.toString(StandardCharsets.UTF_8).trim();
        assertThat(hash).startsWith("{bcrypt}$2a$10$").doesNotContain("correct horse");
        var encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        assertThat(encoder.matches("correct horse battery", hash)).isTrue();
        assertThat(encoder.matches("wrong", hash)).isFalse();
    }

    @Test
    void withAUserNamePrintsBothPropertiesTheDigestAsZooKeeperComputesIt() throws Exception {
        assertThat(run("correct horse battery\n", "hash-password", "alice")).isZero();
        String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("coordinator.web.users.alice.password={bcrypt}$2a$10$");
        assertThat(lines[1])
                .isEqualTo("coordinator.web.users.alice.wire-digest="
                        + DigestAuthenticationProvider.generateDigest("alice:correct horse battery"));
    }

    @Test
    void refusesAUserNameThatCannotBeAPropertyOrDigestName() throws Exception {
        assertThat(run("correct horse battery\n", "hash-password", "a:b")).isEqualTo(2);
        assertThat(run("correct horse battery\n", "hash-password", "a.b")).isEqualTo(2);
        assertThat(out.size()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: hash-password");
    }

    @Test
    void refusesAShortOrMissingPassword() throws Exception {
        assertThat(run("short\n")).isEqualTo(2);
        assertThat(run("")).isEqualTo(2);
        assertThat(out.size()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("at least 8 characters");
    }

    @Test
    void isOnlyTheCommandAsFirstArgument() {
        assertThat(HashPassword.isCommand(new String[] {"hash-password"})).isTrue();
        assertThat(HashPassword.isCommand(new String[] {"--coordinator.client-port=0", "hash-password"}))
                .isFalse();
        assertThat(HashPassword.isCommand(new String[0])).isFalse();
    }
}
