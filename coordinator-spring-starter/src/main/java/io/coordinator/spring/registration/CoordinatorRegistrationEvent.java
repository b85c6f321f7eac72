package io.coordinator.spring.registration;

import io.coordinator.spring.autoconfigure.CoordinatorIdentity;
import org.springframework.context.ApplicationEvent;

/** Published right after this instance was registered or deregistered (synchronously, on the thread that did it). */
public class CoordinatorRegistrationEvent extends ApplicationEvent {
    private final CoordinatorIdentity identity;
    private final boolean registered;

    public CoordinatorRegistrationEvent(Object source, CoordinatorIdentity identity, boolean registered) {
        super(source);
        this.identity = identity;
        this.registered = registered;
    }

    public CoordinatorIdentity identity() {
        return identity;
    }

    public boolean registered() {
        return registered;
    }
}
