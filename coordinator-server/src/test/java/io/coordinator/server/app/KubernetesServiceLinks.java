package io.coordinator.server.app;

import java.util.Map;

/** The service-link variables Kubernetes puts into every pod of a namespace with a Service named "coordinator". */
public final class KubernetesServiceLinks {

    public static final Map<String, String> VARIABLES = Map.of(
            "COORDINATOR_SERVICE_HOST", "10.96.0.10",
            "COORDINATOR_PORT", "tcp://10.96.0.10:2181",
            "COORDINATOR_PORT_2181_TCP_ADDR", "10.96.0.10");

    private KubernetesServiceLinks() {}
}
