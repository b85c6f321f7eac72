package io.coordinator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coordinator.spring.autoconfigure.CoordinatorClientAutoConfiguration;
import io.coordinator.spring.registration.CoordinatorRegistration;
import io.coordinator.spring.registration.CoordinatorRegistrationAutoConfiguration;
import io.coordinator.spring.test.CoordinatorServerExtension;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;

/** The address an instance registers when coordinator.client.registration.host is not set. */
@Timeout(120)
class RegistrationAddressTest {
    @RegisterExtension
    static final CoordinatorServerExtension server = new CoordinatorServerExtension();

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        CoordinatorClientAutoConfiguration.class, CoordinatorRegistrationAutoConfiguration.class))
                .withPropertyValues(
                        "coordinator.client.connect-string=" + server.connectString(),
                        "spring.application.name=addr-app",
                        "coordinator.client.registration.port=9999");
    }

    private static String registeredHost(ConfigurableApplicationContext ctx) throws Exception {
        ctx.publishEvent(new ApplicationReadyEvent(new SpringApplication(), new String[0], ctx, Duration.ZERO));
        CoordinatorRegistration registration = ctx.getBean(CoordinatorRegistration.class);
        // the node is created in the background (Curator's PersistentNode): wait for it
        await().atMost(Duration.ofSeconds(20))
                .until(() -> server.admin().checkExists().forPath(registration.path()) != null);
        byte[] json = server.admin().getData().forPath(registration.path());
        String host = new JsonInstanceSerializer<>(ZookeeperInstance.class)
                .deserialize(json)
                .getAddress();
        registration.stop();
        return host;
    }

    /** This machine's up, non-loopback IPv4 addresses, as (interface name, address). */
    private static List<String[]> nonLoopbackAddresses() throws Exception {
        List<String[]> out = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                        out.add(new String[] {nic.getName(), a.getHostAddress()});
                    }
                }
            }
        }
        return out;
    }

    @Test
    void registersTheFirstNonLoopbackAddressAsInetUtilsChoosesIt() throws Exception {
        List<String[]> addresses = nonLoopbackAddresses();
        assumeTrue(!addresses.isEmpty(), "this machine has no non-loopback IPv4 address");
        String expected;
        try (InetUtils inetUtils = new InetUtils(new InetUtilsProperties())) {
            expected = inetUtils.findFirstNonLoopbackHostInfo().getIpAddress();
        }
        runner().run(ctx -> {
            String host = registeredHost(ctx);
            assertThat(host).isEqualTo(expected);
            assertThat(InetAddress.getByName(host).isLoopbackAddress()).isFalse();
        });
        // the application's own InetUtils (Spring Cloud Commons' auto-configuration) is used the same way
        runner().withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class))
                .run(ctx -> assertThat(registeredHost(ctx)).isEqualTo(expected));
    }

    @Test
    void honoursSpringCloudInetutilsPreferences() throws Exception {
        List<String[]> addresses = nonLoopbackAddresses();
        assumeTrue(!addresses.isEmpty(), "this machine has no non-loopback IPv4 address");
        String[] last = addresses.get(addresses.size() - 1);
        // preferred network: the exact address of the last candidate
        runner().withPropertyValues("spring.cloud.inetutils.preferred-networks=" + last[1].replace(".", "\\."))
                .run(ctx -> assertThat(registeredHost(ctx)).isEqualTo(last[1]));
        // every interface ignored: InetUtils falls back to InetAddress.getLocalHost()
        String fallback = InetAddress.getLocalHost().getHostAddress();
        runner().withPropertyValues("spring.cloud.inetutils.ignored-interfaces=.*")
                .run(ctx -> assertThat(registeredHost(ctx)).isEqualTo(fallback));
    }

    @Test
    void anInjectedInterfaceChoiceIsRegisteredAndAnExplicitHostWins() throws Exception {
        InetUtils secondHost = new InetUtils(new InetUtilsProperties()) {
            @Override
            public InetAddress findFirstNonLoopbackAddress() {
                try {
                    return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 10}); // another host's address
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        runner().withBean(InetUtils.class, () -> secondHost)
                .run(ctx -> assertThat(registeredHost(ctx)).isEqualTo("192.0.2.10"));
        runner().withBean(InetUtils.class, () -> secondHost)
                .withPropertyValues("coordinator.client.registration.host=callers.example")
                .run(ctx -> assertThat(registeredHost(ctx)).isEqualTo("callers.example"));
        secondHost.close();
    }
}
