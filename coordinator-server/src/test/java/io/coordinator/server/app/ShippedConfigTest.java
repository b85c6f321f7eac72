package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.testsupport.LoopbackPorts;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.UnboundElementsSourceFilter;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * The files in the repository's {@code config/} directory, so they cannot rot: the standalone configuration
 * starts a server that serves (ports and data dir overridden), every {@code node*.yml} binds and validates as
 * the server would bind it and the members of one cluster agree with each other, and the {@code zoo.cfg} +
 * {@code myid} example imports into the same ensemble as the local 3-node cluster.
 */
class ShippedConfigTest {
    /** The repository's config/ directory (tests run in coordinator-server/). */
    static final Path CONFIG = Path.of("..", "config").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** Binds coordinator.* from the given sources the way the app does: unknown keys and invalid values fail. */
    static CoordinatorProperties bind(List<PropertySource<?>> sources) {
        CoordinatorProperties props = new Binder(ConfigurationPropertySources.from(sources))
                .bindOrCreate(
                        "coordinator",
                        Bindable.of(CoordinatorProperties.class),
                        // as ConfigurationPropertiesBinder does for ignoreUnknownFields = false (environment variables
                        // exempt)
                        new NoUnboundElementsBindHandler(
                                new IgnoreTopLevelConverterNotFoundBindHandler(), new UnboundElementsSourceFilter()));
        try (var factory = Validation.buildDefaultValidatorFactory()) {
            Validator validator = factory.getValidator();
            assertThat(validator.validate(props)).as("constraint violations").isEmpty();
        }
        return props;
    }

    static List<PropertySource<?>> yaml(Path file) throws IOException {
        return new YamlPropertySourceLoader().load(file.getFileName().toString(), new FileSystemResource(file));
    }

    static String property(List<PropertySource<?>> sources, String name) {
        for (PropertySource<?> s : sources) {
            Object v = s.getProperty(name);
            if (v != null) {
                return v.toString();
            }
        }
        return null;
    }

    @Test
    void standaloneYmlStartsAServerThatServes() throws Exception {
        Path yml = CONFIG.resolve("standalone.yml");
        CoordinatorProperties declared = bind(yaml(yml));
        assertThat(declared.isStandalone()).isTrue();
        assertThat(declared.clientPort()).isEqualTo(2181);

        int clientPort = LoopbackPorts.next();
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(CoordinatorApplication.class)
                .run(
                        "--spring.config.additional-location=file:" + yml,
                        "--coordinator.client-port=" + clientPort,
                        "--coordinator.data-dir=" + dir.resolve("data"),
                        "--server.port=0")) {
            CoordinatorProperties props = ctx.getBean(CoordinatorProperties.class);
            assertThat(props.tickTime()).isEqualTo(declared.tickTime());
            assertThat(props.web().getUsers()).containsKey("admin");
            int http = ((WebServerApplicationContext) ctx).getWebServer().getPort();

            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> ready = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/actuator/health/readiness"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            // even the demo file serves no data to strangers
            HttpResponse<String> anonymous = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/api/znodes/"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);

            // the demo admin of standalone.yml (admin / admin, bcrypt-hashed in the file) may write
            HttpResponse<String> created = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/api/znodes/from-standalone-yml"))
                            .header("Content-Type", "application/json")
                            .header(
                                    "Authorization",
                                    "Basic "
                                            + Base64.getEncoder()
                                                    .encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"ok\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            // on the wire, the node carries the grants: the demo admin's wire digest reads it, a stranger does not
            ZooKeeper zk = TestClients.connect("127.0.0.1:" + clientPort);
            try {
                assertThatThrownBy(() -> zk.getData("/from-standalone-yml", false, null))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                zk.addAuthInfo("digest", "admin:admin".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(zk.getData("/from-standalone-yml", false, null), StandardCharsets.UTF_8))
                        .isEqualTo("ok");
            } finally {
                zk.close();
            }
        }
    }

    /** One node*.yml, bound. */
    record Node(int n, CoordinatorProperties props, int httpPort) {}

    static List<Node> nodes(Path clusterDir) throws IOException {
        List<Node> nodes = new ArrayList<>();
        try (Stream<Path> files = Files.list(clusterDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("node\\d+\\.yml"))
                    .sorted()
                    .toList()) {
                String name = f.getFileName().toString();
                int n = Integer.parseInt(name.substring(4, name.length() - 4));
                List<PropertySource<?>> sources = yaml(f);
                nodes.add(new Node(n, bind(sources), Integer.parseInt(property(sources, "server.port"))));
            }
        }
        return nodes;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cluster", "cluster-5"})
    void clusterNodeFilesDescribeOneConsistentEnsemble(String cluster) throws Exception {
        List<Node> nodes = nodes(CONFIG.resolve(cluster));
        assertThat(nodes).hasSize(cluster.equals("cluster") ? 3 : 5);
        List<EnsembleMember> members =
                EnsembleMember.parseAll(nodes.get(0).props().ensemble());
        assertThat(members).hasSize(nodes.size());

        Set<Integer> ports = new HashSet<>();
        Set<String> dataDirs = new HashSet<>();
        for (Node node : nodes) {
            CoordinatorProperties p = node.props();
            assertThat(EnsembleMember.parseAll(p.ensemble()))
                    .as("node%d's ensemble", node.n())
                    .isEqualTo(members);
            assertThat(p.serverId()).as("node%d.yml's server id", node.n()).isEqualTo(node.n());
            EnsembleMember self =
                    members.stream().filter(m -> m.id() == node.n()).findFirst().orElseThrow();
            assertThat(self.clientPort())
                    .as("node%d's client port in the ensemble", node.n())
                    .isEqualTo(p.clientPort());
            assertThat(self.observer()).isFalse();
            // config/cluster/cluster.sh derives a node's client port as 2180 + N
            assertThat(p.clientPort()).isEqualTo(2180 + node.n());
            for (int port : new int[] {self.quorumPort(), self.electionPort(), self.clientPort(), node.httpPort()}) {
                assertThat(ports.add(port))
                        .as("port %d used once in %s", port, cluster)
                        .isTrue();
            }
            assertThat(dataDirs.add(p.dataDir()))
                    .as("node%d's data dir is its own", node.n())
                    .isTrue();
            // no well-known session secret: the ensemble replicates a random one (sessions still move)
            assertThat(p.sessionSecret()).isNull();
            // no well-known REST identity: it is derived from the replicated secret
            assertThat(p.web().getZkIdentity()).isNull();
            // what must be equal on every member
            assertThat(p.tickTime()).isEqualTo(nodes.get(0).props().tickTime());
            assertThat(p.initLimit()).isEqualTo(nodes.get(0).props().initLimit());
            assertThat(p.syncLimit()).isEqualTo(nodes.get(0).props().syncLimit());
        }
    }

    @Test
    void zooCfgExampleImportsAsMemberOneOfTheLocalCluster() throws Exception {
        // the example's dataDir is relative to where the server starts; put it (and myid) in a temp dir here
        Path data = Files.createDirectories(dir.resolve("zoo-data"));
        Files.copy(CONFIG.resolve("myid"), data.resolve("myid"));
        List<String> lines = Files.readAllLines(CONFIG.resolve("zoo.cfg"), StandardCharsets.UTF_8).stream()
                .map(l -> l.startsWith("dataDir=") ? "dataDir=" + data : l)
                .toList();
        assertThat(lines).anyMatch(l -> l.startsWith("dataDir="));
        Path cfg = Files.write(dir.resolve("zoo.cfg"), lines);

        Map<String, Object> imported = ZooCfgImport.parse(cfg);
        CoordinatorProperties props = bind(List.of(new MapPropertySource("zooCfg", imported)));
        assertThat(props.serverId())
                .isEqualTo(Integer.parseInt(
                        Files.readString(CONFIG.resolve("myid")).trim()));
        assertThat(props.clientPort()).isEqualTo(2181);
        assertThat(props.dataDir()).isEqualTo(data.toString());
        assertThat(props.enabledFourLetterWords()).contains("srvr", "mntr", "ruok");
        // the same ensemble as config/cluster/node*.yml, written the ZooKeeper way
        assertThat(props.ensembleMembers())
                .isEqualTo(EnsembleMember.parseAll(
                        nodes(CONFIG.resolve("cluster")).get(0).props().ensemble()));
    }
}
