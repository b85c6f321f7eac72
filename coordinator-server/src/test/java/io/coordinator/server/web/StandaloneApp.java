package io.coordinator.server.web;

import io.coordinator.server.app.CoordinatorApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A whole standalone server app on loopback with free ports, for tests that start (and restart) their own. */
final class StandaloneApp {
    private StandaloneApp() {}

    static ConfigurableApplicationContext start(Path dataDir, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--coordinator.client-port=0",
                "--coordinator.data-dir=" + dataDir));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(CoordinatorApplication.class).run(args.toArray(String[]::new));
    }

    /** The app's REST API as {@code user} (null: anonymous). */
    static Http http(ConfigurableApplicationContext ctx, String user, String password) {
        return new Http(Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port")), user, password);
    }
}
