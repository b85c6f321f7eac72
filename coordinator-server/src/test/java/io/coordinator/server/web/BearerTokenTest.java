package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.coordinator.server.StandaloneAppTest;
import io.coordinator.server.StandaloneTestProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Bearer tokens from an identity provider (JWT, tokens minted here with a local RSA key): the roles claim names
 * the built-in roles or named sets of grants; a tampered, foreign or expired token is refused.
 */
class BearerTokenTest extends StandaloneAppTest {
    static final KeyPair ISSUER = rsa();
    static final KeyPair STRANGER = rsa();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        Path dir = StandaloneTestProperties.register(r, "coordinator-jwt");
        Path publicKey = dir.resolve("issuer.pub");
        Files.writeString(
                publicKey,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(ISSUER.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
        r.add("spring.security.oauth2.resourceserver.jwt.public-key-location", () -> "file:" + publicKey);
        r.add("coordinator.web.roles.shop-team.grants[0].context", () -> "shop,*");
        r.add("coordinator.web.roles.shop-team.grants[0].actions", () -> "read,publish");
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String token(KeyPair key, String subject, List<String> roles, Instant expires) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader(JWSAlgorithm.RS256),
                new JWTClaimsSet.Builder()
                        .subject(subject)
                        .issuer("https://idp.example")
                        .claim("roles", roles)
                        .issueTime(new Date())
                        .expirationTime(Date.from(expires))
                        .build());
        jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
        return jwt.serialize();
    }

    static String token(String subject, String... roles) throws Exception {
        return token(ISSUER, subject, List.of(roles), Instant.now().plusSeconds(300));
    }

    Http.Response send(String token, String method, String path, Object body) {
        return new Http(port, null, null).send(method, path, body, "Authorization", "Bearer " + token);
    }

    Http.Response send(String token, String method, String path) {
        return send(token, method, path, null);
    }

    @Test
    void theRolesClaimDecidesWhatATokenMayDo() throws Exception {
        String admin = token("ops-admin", "ADMIN");
        String bot = token("ci-bot", "shop-team");
        Map<String, Object> body = Map.of("properties", Map.of("k", "v"));
        assertThat(send(admin, "PUT", "/api/config/billing,prod", body).status())
                .isEqualTo(200);
        assertThat(send(admin, "PUT", "/api/config/shop,prod", body).status()).isEqualTo(200);

        assertThat(send(bot, "GET", "/api/config/shop,prod").status()).isEqualTo(200);
        Http.Response published = send(bot, "PUT", "/api/config/shop,prod", Map.of("properties", Map.of("k", "w")));
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        assertThat(published.json().path("author").asString()).isEqualTo("ci-bot");
        Http.Response refused = send(bot, "GET", "/api/config/billing,prod");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("detail").asString())
                .isEqualTo("User 'ci-bot' may not read configuration context billing,prod");

        // a token without a known role is signed in and may do nothing
        assertThat(send(token("nobody", "unknown-role"), "GET", "/api/config/shop,prod")
                        .status())
                .isEqualTo(403);
        assertThat(send(token("viewer", "READ_ONLY"), "GET", "/api/config/billing,prod")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void tamperedForeignAndExpiredTokensAreRefused() throws Exception {
        String good = token("ci-bot", "shop-team");
        assertThat(send(good, "GET", "/api/config").status()).isEqualTo(200);

        // the same signature over claims that now say ADMIN
        String[] parts = good.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("shop-team", "ADMIN");
        String tampered = parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertThat(send(tampered, "GET", "/api/config").status()).isEqualTo(401);
        assertThat(send(
                                token(
                                        STRANGER,
                                        "ci-bot",
                                        List.of("ADMIN"),
                                        Instant.now().plusSeconds(300)),
                                "GET",
                                "/api/config")
                        .status())
                .isEqualTo(401);
        assertThat(send(
                                token(
                                        ISSUER,
                                        "ci-bot",
                                        List.of("ADMIN"),
                                        Instant.now().minusSeconds(600)),
                                "GET",
                                "/api/config")
                        .status())
                .isEqualTo(401);
        assertThat(send("not-a-token", "GET", "/api/config").status()).isEqualTo(401);
    }
}
