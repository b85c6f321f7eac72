package io.coordinator.server.app;

import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the coordination server (recovery, log, pipeline, ensemble, client port) on a background thread as
 * soon as the environment is known, before the Spring context builds the web layer, security, actuator and
 * metrics, so the client port comes up without waiting for them. The context's {@link CoordinatorServer}
 * bean is then this very server and its lifecycle {@code start()} waits for the early start to finish (and
 * fails the context if it failed).
 *
 * <p>Not with TLS configured: its key material comes from Spring Boot SSL bundles, which exist only once the
 * context is built. Only {@link CoordinatorApplication#main} installs it. The properties are bound from the same environment
 * as the context's {@code CoordinatorProperties} bean; when they do not bind strictly or do not validate, the
 * server is not started early and the context reports the error as usual.
 */
final class EarlyStart implements ApplicationContextInitializer<ConfigurableApplicationContext>,
        ApplicationListener<ApplicationFailedEvent> {
    static final String BEAN_NAME = "coordinatorEarlyStart";
    private static final Logger log = LoggerFactory.getLogger(EarlyStart.class);

    private volatile CoordinatorServer server;

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        CoordinatorProperties props;
        try {
            BindHandler strict = new NoUnboundElementsBindHandler(BindHandler.DEFAULT);
            props = Binder.get(context.getEnvironment())
                    .bind("coordinator", Bindable.of(CoordinatorProperties.class), strict)
                    .orElseGet(CoordinatorProperties::new);
        } catch (RuntimeException e) {
            log.debug("Not starting early: coordinator.* does not bind ({})", e.getMessage());
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
        context.getBeanFactory().registerSingleton(BEAN_NAME, this);
    }

    /** The early-started server, or null. */
    CoordinatorServer server() {
        return server;
    }

    /** The context never came up: the early-started server must not outlive it. */
    @Override
    public void onApplicationEvent(ApplicationFailedEvent event) {
        CoordinatorServer s = server;
        if (s != null) {
            s.stop();
        }
    }
}
