package io.coordinator.server.app;

import java.io.IOException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Coordinator server: a ZooKeeper-wire-compatible coordination service as a Spring Boot app. */
@SpringBootApplication
public class CoordinatorApplication {
    public static void main(String[] args) throws IOException {
        if (HashPassword.isCommand(args)) {
            System.exit(HashPassword.run(args, System.console(), System.in, System.out, System.err));
        }
        if (GenerateKey.isCommand(args)) {
            System.exit(GenerateKey.run(args, System.out, System.err));
        }
        if (RestoreBackup.isCommand(args)) {
            System.exit(RestoreBackup.run(args, System.out, System.err));
        }
        if (ExportZooKeeper.isCommand(args)) {
            System.exit(ExportZooKeeper.run(args, System.out, System.err));
        }
        if (EnsembleCommand.isCommand(args)) {
            System.exit(EnsembleCommand.run(args, System.getenv(), System.out, System.err));
        }
        EarlyStart early = new EarlyStart();
        early.stopPromptlyOnSignalDuringStartup();
        application(early).run(args);
    }

    /**
     * The app as main runs it: the coordination server starts early (see {@link EarlyStart}), so its client
     * port comes up while the rest of the context (web, security, actuator) is still being built.
     */
    public static SpringApplication application() {
        return application(new EarlyStart());
    }

    private static SpringApplication application(EarlyStart early) {
        SpringApplication app = new SpringApplication(CoordinatorApplication.class);
        app.addInitializers(early);
        app.addListeners(early);
        return app;
    }
}
