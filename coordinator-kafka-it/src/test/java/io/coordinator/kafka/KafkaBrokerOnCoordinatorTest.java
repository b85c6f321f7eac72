package io.coordinator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.testsupport.CoordinatorLauncher;
import io.coordinator.testsupport.LoopbackPorts;
import io.coordinator.testsupport.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.URIParameter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.security.auth.login.Configuration;
import kafka.server.KafkaConfig;
import kafka.server.KafkaServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

/**
 * An Apache Kafka 3.9 broker in ZooKeeper mode, run as Kafka runs it, on the packaged Coordinator server with
 * SASL on: the broker logs in over DIGEST-MD5 with the JAAS {@code Client} section Kafka's documentation gives,
 * protects its znodes with {@code zookeeper.set.acl=true} (so they carry its {@code sasl:kafka} identity), elects
 * itself controller, and serves a topic a producer writes to and a consumer reads from. A broker with the wrong
 * password is refused and does not start.
 */
@Timeout(240)
class KafkaBrokerOnCoordinatorTest {
    static final String JAAS = """
            Server {
                org.apache.zookeeper.server.auth.DigestLoginModule required
                user_kafka="kafka-secret";
            };
            Client {
                org.apache.zookeeper.server.auth.DigestLoginModule required
                username="kafka"
                password="kafka-secret";
            };
            WrongPassword {
                org.apache.zookeeper.server.auth.DigestLoginModule required
                username="kafka"
                password="not-the-secret";
            };
            """;

    @TempDir
    static Path dir;

    static ServerProcess coordinator;
    static int clientPort;
    static Configuration previousJaas;

    @BeforeAll
    static void coordinatorWithSasl() throws Exception {
        Path jaas = Files.writeString(dir.resolve("jaas.conf"), JAAS, StandardCharsets.UTF_8);
        clientPort = LoopbackPorts.next();
        coordinator = new ServerProcess(
                "coordinator",
                CoordinatorLauncher.fromSystemProperty()
                        .jvmOptions("-Xmx256m")
                        .command(List.of(
                                "--coordinator.client-port=" + clientPort,
                                "--coordinator.data-dir=" + dir.resolve("data"),
                                "--coordinator.sasl.enabled=true",
                                "--coordinator.sasl.jaas-config=" + jaas,
                                "--server.port=0")),
                dir.resolve("coordinator.log"));
        coordinator.startListening(clientPort, Duration.ofSeconds(120));
        // Kafka's ZooKeeper client reads the JVM's JAAS configuration (section Client unless
        // zookeeper.sasl.clientconfig names another); ZooKeeper 3.9's client refuses DIGEST-MD5 in FIPS mode
        try {
            previousJaas = Configuration.getConfiguration();
        } catch (SecurityException noneYet) {
            previousJaas = null;
        }
        Configuration.setConfiguration(Configuration.getInstance("JavaLoginConfig", new URIParameter(jaas.toUri())));
        System.setProperty("zookeeper.fips-mode", "false");
    }

    @AfterAll
    static void stop() {
        Configuration.setConfiguration(previousJaas);
        System.clearProperty("zookeeper.fips-mode");
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private static KafkaServer broker(Path logDir, int port) {
        Properties p = new Properties();
        p.put("broker.id", "0");
        p.put("zookeeper.connect", "127.0.0.1:" + clientPort + "/kafka");
        p.put("zookeeper.set.acl", "true");
        p.put("zookeeper.connection.timeout.ms", "30000");
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        return new KafkaServer(KafkaConfig.fromProps(p), Time.SYSTEM, Option.empty(), false);
    }

    @Test
    void aKafkaBrokerLogsInOverSaslProtectsItsZnodesAndServesATopic() throws Exception {
        int port = LoopbackPorts.next();
        KafkaServer broker = broker(dir.resolve("kafka-logs"), port);
        try {
            broker.startup();
            Map<String, Object> client = Map.of("bootstrap.servers", "127.0.0.1:" + port);
            try (Admin admin = Admin.create(client)) {
                admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1)))
                        .all()
                        .get(60, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(client, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("orders", "o-1", "one book")).get(60, TimeUnit.SECONDS);
            }
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                    Map.of(
                            "bootstrap.servers", "127.0.0.1:" + port,
                            "group.id", "readers",
                            "auto.offset.reset", "earliest"),
                    new StringDeserializer(),
                    new StringDeserializer())) {
                consumer.subscribe(List.of("orders"));
                ConsumerRecord<String, String> got = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (got == null && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        got = r;
                    }
                }
                assertThat(got).as("the record written through the broker").isNotNull();
                assertThat(got.key()).isEqualTo("o-1");
                assertThat(got.value()).isEqualTo("one book");
            }

            // What the broker wrote in Coordinator, read by an anonymous ZooKeeper client
            ZooKeeper anonymous = anonymous();
            try {
                Stat stat = new Stat();
                String registration =
                        new String(anonymous.getData("/kafka/brokers/ids/0", false, stat), StandardCharsets.UTF_8);
                assertThat(registration).contains("PLAINTEXT://127.0.0.1:" + port);
                assertThat(stat.getEphemeralOwner()).isNotZero();
                assertThat(anonymous.getChildren("/kafka/brokers/topics", false))
                        .contains("orders");
                assertThat(new String(anonymous.getData("/kafka/controller", false, null), StandardCharsets.UTF_8))
                        .contains("\"brokerid\":0");
                List<ACL> acl = anonymous.getACL("/kafka/brokers/topics/orders", new Stat());
                assertThat(acl.toString()).contains("'sasl,'kafka").contains("'world,'anyone");
                assertThatThrownBy(() -> anonymous.setData("/kafka/brokers/topics/orders", new byte[0], -1))
                        .isInstanceOf(KeeperException.NoAuthException.class);
            } finally {
                anonymous.close();
            }
        } finally {
            broker.shutdown();
            broker.awaitShutdown();
        }
    }

    @Test
    void aBrokerWithTheWrongPasswordIsRefusedAndDoesNotStart() throws Exception {
        System.setProperty("zookeeper.sasl.clientconfig", "WrongPassword");
        KafkaServer broker = broker(dir.resolve("kafka-logs-wrong"), LoopbackPorts.next());
        try {
            assertThatThrownBy(broker::startup).isInstanceOf(KeeperException.AuthFailedException.class);
        } finally {
            System.clearProperty("zookeeper.sasl.clientconfig");
            broker.shutdown();
            broker.awaitShutdown();
        }
    }

    private static ZooKeeper anonymous() throws Exception {
        // a client of its own with SASL off: it must not pick up the JVM's Client section
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(
                "127.0.0.1:" + clientPort,
                30_000,
                e -> {
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                },
                config);
        assertThat(connected.await(30, TimeUnit.SECONDS)).isTrue();
        return zk;
    }
}
