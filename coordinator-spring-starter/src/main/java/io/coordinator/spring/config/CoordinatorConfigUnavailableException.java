package io.coordinator.spring.config;

import org.springframework.boot.context.config.ConfigDataException;

/** Startup stops: spring.config.import=coordinator: is required and no server answered. */
public class CoordinatorConfigUnavailableException extends ConfigDataException {
    public CoordinatorConfigUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
