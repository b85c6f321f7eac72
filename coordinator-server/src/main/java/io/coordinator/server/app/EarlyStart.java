package io.coordinator.server.app;

import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Starts the coordination server (recovery, log, pipeline, ensemble, client port) as soon as the environment is
 * known, before the Spring context builds the web layer, security, actuator and metrics, so the client port comes
 * up without waiting for them. The context's {@link CoordinatorServer} bean is then this very server and its
 * lifecycle {@code start()} reports the early start's outcome (and fails the context if it failed).
 *
 * <p>The start runs on its own thread (a stop signal meanwhile is handled, see
 * {@link #stopPromptlyOnSignalDuringStartup}), but the context is built only after it: building both at once
 * only slows the client port, since the context's class loading and the JIT compiling it keep two cores busy
 * (measured on 2 cores: the client port answered about 0.8 s sooner after a restart, and the context was not
 * started later).
 *
 * <p>Not with TLS configured: its key material comes from Spring Boot SSL bundles, which exist only once the
 * context is built. Only {@link CoordinatorApplication#main} installs it. The properties are bound from the same environment
 * as the context's {@code CoordinatorProperties} bean, after {@link UnknownSettings} has refused what it must;
 * when they do not bind or do not validate, the server is not started early and the context reports the error
 * as usual.
 */
final class EarlyStart
        implements ApplicationContextInitializer<ConfigurableApplicationContext>,
                ApplicationListener<SpringApplicationEvent> {
    static final String BEAN_NAME = "coordinatorEarlyStart";
    private static final Logger log = LoggerFactory.getLogger(EarlyStart.class);
    /** How long a stop signal during startup waits for the server to close before the process ends anyway. */
    static final Duration STOP_DURING_STARTUP_WAIT = Duration.ofSeconds(3);

    private volatile CoordinatorServer server;
    /** True until the context has started (refreshed) or failed; a stop signal meanwhile is ours to handle. */
    private volatile boolean starting = true;

    /** Registered even when not started early: the context's own server is then adopted (stop during startup). */
    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getBeanFactory().registerSingleton(BEAN_NAME, this);
    }

    /**
     * Starts the server as soon as the environment is prepared (configuration files, zoo.cfg, logging), before
     * Spring Boot creates the context, so that work overlaps with the server's start.
     */
    private void startEarly(ConfigurableEnvironment environment) {
        // Before anything starts: an unknown setting stops startup (or is ignored with a WARN).
        Optional<CoordinatorProperties> known = UnknownSettings.check(environment);
        CoordinatorProperties props;
        try {
            // Bound already unless something was ignored or does not bind; then bind what is known.
            props = known.orElseGet(
                    () -> Binder.get(environment).bindOrCreate("coordinator", CoordinatorProperties.class));
        } catch (RuntimeException e) {
            // The context binds the same properties and fails naming the bad value.
            log.info("Not starting early: coordinator.* does not bind ({})", e.getMessage());
            return;
        }
        if (CoordinatorTls.isWanted(props)) {
            // TLS key material comes from SSL bundles, which only the context makes: start with the context.
            log.debug("Not starting early: coordinator.ssl.* needs the context's SSL bundles");
            return;
        }
        CoordinatorServer s = new CoordinatorServer(props);
        s.startEarly(() -> {
            try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
                return factory.getValidator().validate(props).isEmpty();
            }
        });
        server = s;
        s.awaitEarlyStart();
    }

    /** The early-started server, or null. */
    CoordinatorServer server() {
        return server;
    }

    /** The server the context made itself (no early start, e.g. with TLS): a stop signal during startup stops it. */
    void adopt(CoordinatorServer contextServer) {
        if (server == null) {
            server = contextServer;
        }
    }

    @Override
    public void onApplicationEvent(SpringApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            startEarly(prepared.getEnvironment());
        } else if (event instanceof ApplicationStartedEvent) {
            starting = false; // from now on Spring's shutdown hook closes the context at once, gracefully
        } else if (event instanceof ApplicationFailedEvent) {
            starting = false;
            CoordinatorServer s = server; // the context never came up: the early-started server must not outlive it
            if (s != null) {
                s.stop();
            }
        }
    }

    /**
     * Makes a stop signal (SIGTERM, SIGINT) during startup end the process within seconds, as ZooKeeper's does.
     * Spring's own shutdown hook cannot: closing a context waits for its refresh to finish, which takes tens of
     * seconds on a loaded machine. While starting, this hook stops the coordination server (client port, peers,
     * log) and ends the process; once started it does nothing and Spring's graceful shutdown runs as usual.
     * Installed by {@link CoordinatorApplication#main} only.
     */
    void stopPromptlyOnSignalDuringStartup() {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (!starting) {
                                return;
                            }
                            // Not through the logger: Spring Boot's own hook may already have shut logging down.
                            System.err.println(
                                    "Coordinator: Stop requested while starting: stopping the coordination server and"
                                            + " exiting");
                            CoordinatorServer s = server;
                            if (s != null) {
                                Thread stopper = new Thread(s::stop, "coordinator-stop-during-startup");
                                stopper.setDaemon(true);
                                stopper.start();
                                try {
                                    stopper.join(
                                            STOP_DURING_STARTUP_WAIT
                                                    .toMillis()); // recovery may still run: never wait long
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                            // Only while starting, so nothing it owes anyone is lost: every acknowledged write is
                            // already fsynced.
                            Runtime.getRuntime().halt(STOP_EXIT_CODE);
                        },
                        "coordinator-startup-stop"));
    }

    /** What the JVM exits with on SIGTERM (128 + 15), kept for a stop during startup. */
    static final int STOP_EXIT_CODE = 143;
}
