package io.coordinator.spring.test;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Runs a test application (no web server) that imports its configuration from a Coordinator server. */
public final class ConfigClientApp {

    private ConfigClientApp() {}

    /** Runs {@code app} named {@code name}, connected to {@code connectString}, with the {@code more} arguments. */
    public static ConfigurableApplicationContext run(Class<?> app, String name, String connectString, String... more) {
        return builder(app).run(args(name, connectString, more));
    }

    /** A builder for {@code app} without a web server, for tests that set more on it before running. */
    public static SpringApplicationBuilder builder(Class<?> app) {
        return new SpringApplicationBuilder(app).web(WebApplicationType.NONE);
    }

    /** The arguments that name the application, point it at the server and import its configuration. */
    public static String[] args(String name, String connectString, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.application.name=" + name,
                "--coordinator.client.connect-string=" + connectString,
                "--spring.config.import=coordinator:"));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }
}
