package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.StandaloneTestProperties;
import io.coordinator.server.app.CoordinatorApplication;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code coordinator.web.anonymous-read=false}: reads need a user too; probes and scrapes stay open. */
@SpringBootTest(classes = CoordinatorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ClosedReadsTest {

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        StandaloneTestProperties.register(r, "coordinator-closed");
        r.add("coordinator.web.anonymous-read", () -> "false");
        r.add("coordinator.web.users.viewer.password", () -> "{noop}view");
    }

    @LocalServerPort
    int port;

    @TempDir
    Path other;

    @Test
    void readsNeedAUserProbesDoNot() {
        Http anon = new Http(port, null, null);
        assertThat(anon.get("/api/znodes/").status()).isEqualTo(401);
        assertThat(anon.get("/api/cluster").status()).isEqualTo(401);
        assertThat(anon.get("/actuator/coordinator").status()).isEqualTo(401);
        assertThat(anon.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(anon.get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(anon.get("/v3/api-docs").status()).isEqualTo(200);
        Http viewer = anon.as("viewer", "view"); // role defaults to READ_ONLY
        assertThat(viewer.get("/api/znodes/").status()).isEqualTo(200);
        assertThat(viewer.get("/actuator/coordinator").status()).isEqualTo(200);
        assertThat(viewer.post("/api/znodes/x", null).status()).isEqualTo(403);
    }

    @Test
    void aPlainTextPasswordStopsStartupNamingTheProperty() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(CoordinatorApplication.class)
                        .run(
                                "--server.port=0",
                                "--server.address=127.0.0.1",
                                "--coordinator.client-port=0",
                                "--coordinator.data-dir=" + other,
                                "--coordinator.web.users.admin.password=plain"))
                .hasStackTraceContaining("coordinator.web.users.admin.password must be hashed");
    }
}
