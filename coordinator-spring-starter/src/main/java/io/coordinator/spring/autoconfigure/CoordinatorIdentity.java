package io.coordinator.spring.autoconfigure;

import java.util.UUID;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/** Who this instance is: its service type and its instance id, fixed for the life of the context. */
public final class CoordinatorIdentity {
    private final String serviceName;
    private final String instanceId;

    public CoordinatorIdentity(String serviceName, String instanceId) {
        this.serviceName = serviceName;
        this.instanceId = instanceId;
    }

    public static CoordinatorIdentity from(CoordinatorClientProperties properties, Environment env) {
        String name = properties.registration().serviceName();
        if (!StringUtils.hasText(name)) {
            name = env.getProperty("spring.application.name", "application");
        }
        String id = properties.registration().instanceId();
        if (!StringUtils.hasText(id)) {
            id = name + "-" + UUID.randomUUID();
        }
        return new CoordinatorIdentity(name, id);
    }

    public String serviceName() {
        return serviceName;
    }

    public String instanceId() {
        return instanceId;
    }

    @Override
    public String toString() {
        return serviceName + "/" + instanceId;
    }
}
