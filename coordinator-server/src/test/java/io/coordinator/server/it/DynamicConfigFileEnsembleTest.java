package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.app.TestClients;
import io.coordinator.testsupport.Member;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Three members started from ZooKeeper 3.5+ style files: a zoo.cfg without server lines or clientPort, naming a
 * {@code dynamicConfigFile} that holds {@code server.N=host:quorum:election:role;clientAddr:clientPort}. They form
 * the ensemble the dynamic file describes and serve a write read back from another member.
 */
@Timeout(240)
class DynamicConfigFileEnsembleTest {
    @TempDir
    Path dir;

    @Test
    void anEnsembleDescribedByADynamicConfigFileFormsAndServes() throws Exception {
        List<Member> ensemble = Member.allocate(3, dir);
        int[] client = Member.clientPorts(ensemble);
        StringBuilder dynamic = new StringBuilder();
        for (Member m : ensemble) {
            dynamic.append("server.").append(m.ensembleEntry("participant")).append('\n');
        }
        List<ConfigurableApplicationContext> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                members.add(start(i, dynamic.toString()));
            }
            String[] modes = Servers.awaitEnsembleServing(client, Duration.ofSeconds(90));
            assertThat(Arrays.stream(modes).filter("leader"::equals)).hasSize(1);
            assertThat(Arrays.stream(modes).filter("follower"::equals)).hasSize(2);

            ZooKeeper writer = TestClients.connect(client[0]);
            ZooKeeper reader = TestClients.connect(client[2]);
            try {
                writer.create("/from-dynamic", "ok".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                CompletableFuture<Integer> synced = new CompletableFuture<>();
                reader.sync("/from-dynamic", (rc, path, ctx) -> synced.complete(rc), null);
                assertThat(synced.get(30, TimeUnit.SECONDS)).isZero();
                assertThat(new String(reader.getData("/from-dynamic", false, null), StandardCharsets.UTF_8))
                        .isEqualTo("ok");
                // the members report the ensemble of the dynamic file
                assertThat(new String(reader.getConfig(false, null), StandardCharsets.UTF_8))
                        .contains("server.1=127.0.0.1:")
                        .contains(";127.0.0.1:" + client[2]);
            } finally {
                writer.close();
                reader.close();
            }
        } finally {
            Servers.closeAll(members);
        }
    }

    private ConfigurableApplicationContext start(int i, String dynamic) throws Exception {
        return Servers.startFromDynamicConfig(
                dir,
                i,
                dynamic,
                "tickTime=500",
                "initLimit=10",
                "syncLimit=5",
                "reconfigEnabled=false",
                "standaloneEnabled=false",
                "4lw.commands.whitelist=*");
    }
}
