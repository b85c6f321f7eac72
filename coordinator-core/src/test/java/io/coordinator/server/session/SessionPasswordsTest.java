package io.coordinator.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SessionPasswordsTest {
    private static final byte[] SECRET = "0123456789abcdef-secret".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER = "fedcba9876543210-secret".getBytes(StandardCharsets.UTF_8);

    @Test
    void deterministicPerSecretAndId() {
        SessionPasswords a = new SessionPasswords(SECRET);
        SessionPasswords b = new SessionPasswords(SECRET.clone());
        byte[] p = a.passwordFor(42);
        assertThat(p).hasSize(SessionPasswords.LENGTH);
        assertThat(b.passwordFor(42)).isEqualTo(p);
        assertThat(a.passwordFor(42)).isEqualTo(p);
        assertThat(a.passwordFor(43)).isNotEqualTo(p);
        assertThat(a.passwordFor(42L | (1L << 56))).isNotEqualTo(p);
    }

    @Test
    void differentSecretsGiveDifferentPasswords() {
        assertThat(new SessionPasswords(OTHER).passwordFor(42))
                .isNotEqualTo(new SessionPasswords(SECRET).passwordFor(42));
    }

    @Test
    void secretIsCopied() {
        byte[] secret = SECRET.clone();
        SessionPasswords p = new SessionPasswords(secret);
        byte[] before = p.passwordFor(1);
        Arrays.fill(secret, (byte) 0);
        assertThat(p.passwordFor(1)).isEqualTo(before);
    }

    @Test
    void matchesOnlyTheRightPassword() {
        SessionPasswords p = new SessionPasswords(SECRET);
        byte[] good = p.passwordFor(7);
        assertThat(p.matches(7, good)).isTrue();
        assertThat(p.matches(8, good)).isFalse();
        assertThat(p.matches(7, null)).isFalse();
        assertThat(p.matches(7, new byte[16])).isFalse();
        assertThat(p.matches(7, Arrays.copyOf(good, 15))).isFalse();
        assertThat(p.matches(7, Arrays.copyOf(good, 17))).isFalse();
        byte[] flipped = good.clone();
        flipped[15] ^= 1;
        assertThat(p.matches(7, flipped)).isFalse();
        assertThat(new SessionPasswords(OTHER).matches(7, good)).isFalse();
    }

    @Test
    void rejectsShortSecrets() {
        assertThatThrownBy(() -> new SessionPasswords(new byte[15])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SessionPasswords(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void derivedKeysDependOnSecretAndPurposeOnly() {
        byte[] secret = SessionPasswords.newSecret();
        SessionPasswords a = new SessionPasswords(secret);
        SessionPasswords b = new SessionPasswords(secret.clone());
        assertThat(a.derive("web")).hasSize(32).isEqualTo(b.derive("web"));
        assertThat(a.derive("web")).isNotEqualTo(a.derive("other"));
        assertThat(a.derive("web")).isNotEqualTo(new SessionPasswords(SessionPasswords.newSecret()).derive("web"));
    }
}
