package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Every manifest in the repository's {@code k8s/} directory, parsed into the Kubernetes object model (fabric8), checked
 * against the server itself: each StatefulSet pod's environment is bound to {@link CoordinatorProperties} the way the
 * server binds it (so its ensemble goes through the server's parser and validation), the server id comes from the
 * image's real entrypoint script run with the pod's hostname, container ports are the ports the server then listens
 * on, probe paths are the health groups the server's {@code application.properties} defines, and the sample services
 * connect to the client Service. It lives here, beside the server, because that is what it checks against.
 */
class KubernetesManifestsTest {
    static final Path K8S = Path.of("..", "k8s").toAbsolutePath().normalize();
    static final Path ROOT = K8S.getParent();

    static final List<HasMetadata> resources = new ArrayList<>();
    static final Properties serverDefaults = new Properties();

    @BeforeAll
    static void load() throws IOException {
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path f : files.filter(
                            f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList()) {
                Object parsed;
                try (InputStream in = Files.newInputStream(f)) {
                    parsed = Serialization.unmarshal(in);
                }
                List<?> docs = parsed instanceof List<?> l ? l : List.of(parsed);
                assertThat(docs).as(f + " holds resources").isNotEmpty();
                for (Object doc : docs) {
                    assertThat(doc).as(f + ": a known kind").isInstanceOf(HasMetadata.class);
                    noUnknownFields(doc, f.getFileName() + " " + ((HasMetadata) doc).getKind());
                    resources.add((HasMetadata) doc);
                }
            }
        }
        try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream("/application.properties")) {
            serverDefaults.load(in);
        }
    }

    /** A misspelt field (readinesProbe) lands in a model object's additionalProperties; none may. */
    static void noUnknownFields(Object o, String where) {
        if (o == null || !o.getClass().getName().startsWith("io.fabric8.")) {
            if (o instanceof Collection<?> c) {
                c.forEach(e -> noUnknownFields(e, where));
            } else if (o instanceof Map<?, ?> m) {
                m.values().forEach(e -> noUnknownFields(e, where));
            }
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0
                    || !m.getName().startsWith("get")
                    || m.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (m.getName().equals("getAdditionalProperties")) {
                assertThat((Map<?, ?>) value)
                        .as("unknown fields in %s (%s)", where, o.getClass().getSimpleName())
                        .isEmpty();
            } else {
                noUnknownFields(value, where);
            }
        }
    }

    static <T extends HasMetadata> List<T> all(Class<T> kind) {
        return resources.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    static <T extends HasMetadata> T named(Class<T> kind, String name) {
        return all(kind).stream()
                .filter(r -> r.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " " + name + " in k8s/"));
    }

    static int containerPort(Container c, String name) {
        return c.getPorts().stream()
                .filter(p -> name.equals(p.getName()))
                .mapToInt(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " has no port named " + name));
    }

    /** A Service or probe port (by name or number) resolved to the container's port number. */
    static int resolve(Container c, IntOrString port) {
        return port.getIntVal() != null ? port.getIntVal() : containerPort(c, port.getStrVal());
    }

    /**
     * The container's environment as the process would see it, for ordinal {@code ordinal}: plain values as they are,
     * secrets as placeholders, the pod IP as a documentation address, and the server id from the entrypoint.
     */
    /** A secret digest's placeholder: the form ZooKeeper's digests have (the base64 SHA-1 of nothing real). */
    private static final String PLACEHOLDER_DIGEST = "super:AAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    static Map<String, Object> env(Container c) {
        return env(c, "coordinator-0");
    }

    /** ... in pod {@code podName}, with {@code $(NAME)} references expanded as Kubernetes does. */
    static Map<String, Object> env(Container c, String podName) {
        Map<String, Object> env = new LinkedHashMap<>();
        for (EnvVar v : c.getEnv()) {
            if (v.getValue() != null) {
                env.put(v.getName(), v.getValue());
            } else if (v.getValueFrom().getSecretKeyRef() != null) {
                env.put(
                        v.getName(),
                        v.getName().endsWith("PASSWORD")
                                ? "{noop}placeholder"
                                : v.getName().endsWith("DIGEST")
                                        ? PLACEHOLDER_DIGEST
                                        : "placeholder-for-"
                                                + v.getValueFrom()
                                                        .getSecretKeyRef()
                                                        .getKey());
            } else if (v.getValueFrom().getFieldRef() != null) {
                String field = v.getValueFrom().getFieldRef().getFieldPath();
                assertThat(field).isIn("status.podIP", "metadata.name");
                env.put(v.getName(), field.equals("metadata.name") ? podName : "192.0.2.10");
            }
        }
        // $(NAME) names a variable defined earlier in the list; Kubernetes leaves any other reference as it is
        Map<String, Object> expanded = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : env.entrySet()) {
            String value = e.getValue().toString();
            for (Map.Entry<String, Object> earlier : expanded.entrySet()) {
                value = value.replace(
                        "$(" + earlier.getKey() + ")", earlier.getValue().toString());
            }
            expanded.put(e.getKey(), value);
        }
        return expanded;
    }

    /** Runs k8s/entrypoint.sh as the image does, with a command that prints the server id it derived. */
    static String entrypointServerId(String hostname, Map<String, Object> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                        "sh",
                        K8S.resolve("entrypoint.sh").toString(),
                        "sh",
                        "-c",
                        "printf %s \"$COORDINATOR_SERVER_ID\"")
                .redirectErrorStream(true);
        pb.environment().remove("COORDINATOR_SERVER_ID");
        env.forEach((k, v) -> pb.environment().put(k, v.toString()));
        pb.environment().put("HOSTNAME", hostname);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** A process environment; under the name Boot gives it, so that Boot's environment-variable mapping applies. */
    static SystemEnvironmentPropertySource environment(Map<String, Object> env) {
        return new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env);
    }

    static Binder binder(Map<String, Object> env) {
        List<PropertySource<?>> sources = List.of(
                environment(env),
                new MapPropertySource("application.properties", new HashMap<String, Object>((Map) serverDefaults)));
        return new Binder(
                org.springframework.boot.context.properties.source.ConfigurationPropertySources.from(sources));
    }

    @Test
    void everyManifestParsesAndTheServerAndSamplesAreThere() {
        assertThat(all(StatefulSet.class))
                .extracting(r -> r.getMetadata().getName())
                .containsExactly("coordinator");
        assertThat(all(Deployment.class))
                .extracting(r -> r.getMetadata().getName())
                .containsExactlyInAnyOrder("inventory-service", "order-service");
        assertThat(all(PodDisruptionBudget.class)).hasSize(1);
    }

    /**
     * Scaled beyond the bootstrap ensemble, pod coordinator-N joins as server N+1 at its stable name with the
     * container's ports, through the client Service; the server accepts reconfig from its super user, whose digest
     * and credentials come from the Secret; the preStop hook is the image's entrypoint leaving, and termination
     * waits for it and the graceful shutdown. (KubernetesScalingIT runs the entrypoint's join and leave against a
     * real ensemble.)
     */
    @Test
    void podsBeyondTheBootstrapEnsembleJoinAndLeaveIt() throws Exception {
        StatefulSet sts = named(StatefulSet.class, "coordinator");
        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        Service headless = named(Service.class, sts.getSpec().getServiceName());
        Service client = clientService();
        String hostname = sts.getMetadata().getName() + "-" + sts.getSpec().getReplicas();
        Map<String, Object> env = env(c, hostname);

        String id = entrypointServerId(hostname, withoutJoin(env));
        assertThat(id).isEqualTo(Integer.toString(sts.getSpec().getReplicas() + 1));
        EnsembleMember self = EnsembleMember.parse(
                Integer.parseInt(id), env.get("ENSEMBLE_JOIN_ADDRESS").toString());
        assertThat(self.host())
                .isEqualTo(hostname + "." + headless.getMetadata().getName());
        assertThat(self.quorumPort()).isEqualTo(containerPort(c, "quorum"));
        assertThat(self.electionPort()).isEqualTo(containerPort(c, "election"));
        assertThat(self.clientPort()).isEqualTo(containerPort(c, "client"));
        assertThat(self.observer()).isFalse();
        assertThat(env.get("ENSEMBLE_JOIN"))
                .isEqualTo(client.getMetadata().getName() + ":"
                        + client.getSpec().getPorts().stream()
                                .filter(p -> resolve(c, p.getTargetPort()) == containerPort(c, "client"))
                                .findFirst()
                                .orElseThrow()
                                .getPort());
        assertThat(env.get("ENSEMBLE_AUTH")).isEqualTo("placeholder-for-super-auth");

        // as the entrypoint exports it: the members it read (here: the bootstrap ones) and itself
        Map<String, Object> podEnv = new HashMap<>(env);
        podEnv.put("COORDINATOR_SERVER_ID", id);
        podEnv.put(
                "COORDINATOR_ENSEMBLE",
                env.get("COORDINATOR_ENSEMBLE") + "," + id + "=" + env.get("ENSEMBLE_JOIN_ADDRESS"));
        CoordinatorProperties props = ShippedConfigTest.bind(List.of(environment(podEnv)));
        assertThat(props.ensembleMembers())
                .hasSize(sts.getSpec().getReplicas() + 1)
                .contains(self);
        assertThat(props.reconfigEnabled()).isTrue();
        assertThat(props.superDigest()).isEqualTo(PLACEHOLDER_DIGEST);

        assertThat(c.getLifecycle().getPreStop().getExec().getCommand())
                .containsExactly("/app/entrypoint.sh", "--leave");
        assertThat(Files.readString(K8S.resolve("Dockerfile")))
                .contains("COPY --chmod=0755 k8s/entrypoint.sh /app/entrypoint.sh")
                .contains("ENTRYPOINT [\"/app/entrypoint.sh\"]");
        Duration shutdownPhase = binder(env)
                .bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                .orElse(Duration.ofSeconds(30));
        int leaveTimeout = 30; // entrypoint.sh's default ENSEMBLE_LEAVE_TIMEOUT
        assertThat(Files.readString(K8S.resolve("entrypoint.sh")))
                .contains("--timeout \"${ENSEMBLE_LEAVE_TIMEOUT:-" + leaveTimeout + "}\"");
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(leaveTimeout + shutdownPhase.toSeconds());
    }

    /** The environment without ENSEMBLE_JOIN: derives the id without asking an ensemble (there is none here). */
    private static Map<String, Object> withoutJoin(Map<String, Object> env) {
        Map<String, Object> e = new HashMap<>(env);
        e.remove("ENSEMBLE_JOIN");
        return e;
    }

    @Test
    void statefulSetMembersAgreeWithTheServersConfiguration() throws Exception {
        StatefulSet sts = named(StatefulSet.class, "coordinator");
        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        int replicas = sts.getSpec().getReplicas();
        assertThat(replicas).isEqualTo(3);
        assertThat(sts.getSpec().getPodManagementPolicy())
                .as("members must start together to form a quorum")
                .isEqualTo("Parallel");

        Service headless = named(Service.class, sts.getSpec().getServiceName());
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(headless.getSpec().getSelector())
                .isEqualTo(sts.getSpec().getTemplate().getMetadata().getLabels());
        assertThat(sts.getSpec().getSelector().getMatchLabels())
                .isEqualTo(sts.getSpec().getTemplate().getMetadata().getLabels());

        Map<String, Object> env = env(c);
        for (int ordinal = 0; ordinal < replicas; ordinal++) {
            String hostname = sts.getMetadata().getName() + "-" + ordinal;
            Map<String, Object> podEnv = new HashMap<>(env);
            podEnv.put("COORDINATOR_SERVER_ID", entrypointServerId(hostname, env));

            // bound and validated exactly as the server binds them
            CoordinatorProperties props = ShippedConfigTest.bind(List.of(environment(podEnv)));
            List<EnsembleMember> members = props.ensembleMembers();
            assertThat(members).as("one member per replica").hasSize(replicas);
            EnsembleMember self = members.stream()
                    .filter(m -> m.id() == props.serverId())
                    .findFirst()
                    .orElseThrow();
            assertThat(self.host())
                    .as("server %d's address", self.id())
                    .isEqualTo(hostname + "." + headless.getMetadata().getName());
            assertThat(self.observer()).isFalse();

            assertThat(containerPort(c, "client")).isEqualTo(props.clientPort()).isEqualTo(self.clientPort());
            assertThat(containerPort(c, "quorum")).isEqualTo(self.quorumPort());
            assertThat(containerPort(c, "election")).isEqualTo(self.electionPort());
            assertThat(props.clientAddress()).isEqualTo("0.0.0.0");
            assertThat(props.quorumListenOnAllIps()).isTrue();
            assertThat(props.sessionSecret())
                    .as("none: the ensemble replicates a random one")
                    .isNull();
            assertThat(sts.getSpec().getTemplate().getSpec().getEnableServiceLinks())
                    .as("no COORDINATOR_* service-link variables")
                    .isFalse();
            assertThat(props.web().getZkIdentity())
                    .as("none: the REST identity derives from the replicated secret")
                    .isNull();
            assertThat(props.web().getUsers().get("admin").getRole()).hasToString("ADMIN");
            assertThat(props.dataDir())
                    .isEqualTo(c.getVolumeMounts().stream()
                            .filter(m -> m.getName()
                                    .equals(sts.getSpec()
                                            .getVolumeClaimTemplates()
                                            .get(0)
                                            .getMetadata()
                                            .getName()))
                            .findFirst()
                            .orElseThrow()
                            .getMountPath());
        }
        assertThat(entrypointServerId(sts.getMetadata().getName() + "-0", env)).isEqualTo("1");

        // the headless service carries the peer ports, the client service the client and HTTP ports
        Binder server = binder(env);
        int http = server.bind("server.port", Integer.class).orElse(8080);
        assertThat(containerPort(c, "http")).isEqualTo(http);
        for (ServicePort p : headless.getSpec().getPorts()) {
            assertThat(resolve(c, p.getTargetPort())).isIn(containerPort(c, "quorum"), containerPort(c, "election"));
        }
        Service client = clientService();
        assertThat(client.getSpec().getSelector())
                .isEqualTo(sts.getSpec().getTemplate().getMetadata().getLabels());
        assertThat(client.getSpec().getPorts())
                .extracting(p -> resolve(c, p.getTargetPort()))
                .containsExactlyInAnyOrder(containerPort(c, "client"), http);

        // probes on the server's own health groups, on its HTTP port
        String base =
                server.bind("management.endpoints.web.base-path", String.class).orElse("/actuator");
        assertThat(server.bind("management.server.port", Integer.class).isBound())
                .isFalse();
        assertThat(serverDefaults)
                .containsKeys(
                        "management.endpoint.health.group.readiness.include",
                        "management.endpoint.health.group.liveness.include");
        assertProbe(c, c.getReadinessProbe(), base + "/health/readiness", http);
        assertProbe(c, c.getLivenessProbe(), base + "/health/liveness", http);
        assertProbe(c, c.getStartupProbe(), base + "/health/liveness", http);

        // graceful termination outlasts the server's graceful shutdown; PDB, anti-affinity, requests, volumes
        assertThat(server.bind("server.shutdown", String.class).orElse("graceful"))
                .isEqualTo("graceful");
        Duration shutdownPhase = server.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                .orElse(Duration.ofSeconds(30));
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(shutdownPhase.toSeconds());
        PodDisruptionBudget pdb = all(PodDisruptionBudget.class).get(0);
        assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .isEqualTo(sts.getSpec().getTemplate().getMetadata().getLabels());
        var antiAffinity = pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        assertThat(antiAffinity).singleElement().satisfies(t -> {
            assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(t.getLabelSelector().getMatchLabels())
                    .isEqualTo(sts.getSpec().getTemplate().getMetadata().getLabels());
        });
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(sts.getSpec().getVolumeClaimTemplates())
                .singleElement()
                .satisfies(t ->
                        assertThat(t.getSpec().getResources().getRequests()).containsKey("storage"));
    }

    static Service clientService() {
        return named(Service.class, "coordinator");
    }

    static void assertProbe(Container c, Probe probe, String path, int port) {
        assertThat(probe).as(c.getName() + " probe " + path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(resolve(c, probe.getHttpGet().getPort())).isEqualTo(port);
    }

    @Test
    void sampleServicesConnectToTheClientServiceAndServeWhereTheirProbesLook() throws Exception {
        Service client = clientService();
        ServicePort clientPort = client.getSpec().getPorts().stream()
                .filter(p -> p.getName().equals("client"))
                .findFirst()
                .orElseThrow();
        for (Deployment d : all(Deployment.class)) {
            String name = d.getMetadata().getName();
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(d.getSpec().getSelector().getMatchLabels().entrySet())
                    .isSubsetOf(
                            d.getSpec().getTemplate().getMetadata().getLabels().entrySet());

            // the sample's own properties file, overridden by the container's environment, as Boot would
            Properties own = new Properties();
            try (InputStream in = Files.newInputStream(
                    ROOT.resolve("sample-services/" + name + "/src/main/resources/" + name + ".properties"))) {
                own.load(in);
            }
            Binder sample = new Binder(
                    org.springframework.boot.context.properties.source.ConfigurationPropertySources.from(List.of(
                            environment(env(c)), new MapPropertySource(name, new HashMap<String, Object>((Map) own)))));

            String connect = sample.bind("coordinator.client.connect-string", String.class)
                    .get();
            for (String hostPort : connect.split(",")) {
                String host = hostPort.substring(0, hostPort.lastIndexOf(':')).trim();
                int port = Integer.parseInt(
                        hostPort.substring(hostPort.lastIndexOf(':') + 1).trim());
                assertThat(host)
                        .as(name + " connects to the client service")
                        .matches(client.getMetadata().getName() + "(\\..*)?");
                assertThat(port).isEqualTo(clientPort.getPort());
            }
            assertThat(sample.bind("coordinator.client.registration.host", String.class)
                            .get())
                    .as("registered with the pod IP")
                    .isEqualTo("192.0.2.10");

            int http = sample.bind("server.port", Integer.class).orElse(8080);
            assertThat(containerPort(c, "http")).isEqualTo(http);
            assertProbe(c, c.getReadinessProbe(), "/actuator/health/readiness", http);
            assertProbe(c, c.getLivenessProbe(), "/actuator/health/liveness", http);
            assertThat(sample.bind("management.endpoint.health.probes.enabled", Boolean.class)
                            .orElse(false))
                    .isTrue();
            assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        }
        Service orders = named(Service.class, "order-service");
        assertThat(orders.getSpec().getSelector().entrySet())
                .isSubsetOf(named(Deployment.class, "order-service")
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getLabels()
                        .entrySet());
    }
}
