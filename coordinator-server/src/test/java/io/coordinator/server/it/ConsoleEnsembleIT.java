package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.app.TestClients;
import io.coordinator.testsupport.ConsoleBrowser;
import io.coordinator.testsupport.CoordinatorLauncher;
import io.coordinator.testsupport.LoopbackPorts;
import io.coordinator.testsupport.ServerEnsemble;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's cluster view on a real three-process ensemble (the packaged jar, as {@link EnsembleFailoverIT}
 * starts it): the leader's console draws all three members with their charts, each member's history asked from
 * that member; a SIGKILLed follower is then shown disconnected. Screenshots: {@code 8-ensemble.png} (all three,
 * after some writes) and {@code 9-ensemble-member-killed.png}. How long the page took to show the kill is
 * printed, not asserted.
 */
@Timeout(300)
@ExtendWith(NeedsPackagedJar.class)
class ConsoleEnsembleIT {

    @Test
    void aKilledMemberIsShownDisconnected(@TempDir Path dir) throws Exception {
        Map<Integer, Integer> http = new HashMap<>();
        for (int id = 1; id <= 3; id++) {
            http.put(id, LoopbackPorts.next());
        }
        try (ServerEnsemble ensemble = new ServerEnsemble(3, dir, "console", (e, m) -> {
            List<String> args = new ArrayList<>(CoordinatorLauncher.memberArgs(e, m));
            args.addAll(List.of(
                    "--coordinator.tick-time=500",
                    "--server.port=" + http.get(m.id()),
                    "--server.address=127.0.0.1",
                    "--coordinator.web.users.admin.password={noop}ensemble-pw",
                    "--coordinator.web.users.admin.role=ADMIN"));
            return CoordinatorLauncher.jar(CrashRecoveryOnCoordinatorIT.JAR)
                    .jvmOptions("-Xmx256m")
                    .command(args);
        })) {
            ensemble.startAll();
            ensemble.awaitReady(Duration.ofSeconds(120));
            for (int id = 1; id <= 3; id++) { // the client port serves before the HTTP port listens
                ensemble.process(id).awaitListening(http.get(id), Duration.ofSeconds(120));
            }
            int leader = ensemble.leaderId();
            int victim = leader == 3 ? 2 : 3;

            try (ConsoleBrowser b = new ConsoleBrowser(http.get(leader), 1280, 800);
                    ZooKeeper client = TestClients.connect(ensemble.connectString())) {
                // a client reading and writing for a few seconds (-Dconsole.load-seconds), so the charts draw a load
                client.create("/console", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                long loadUntil = System.nanoTime() + Long.getLong("console.load-seconds", 5) * 1_000_000_000L;
                Thread load = new Thread(() -> {
                    try {
                        for (long i = 0; System.nanoTime() < loadUntil; i++) {
                            client.setData("/console", ("v" + i).getBytes(StandardCharsets.UTF_8), -1);
                            client.getData("/console", false, null);
                            client.getData("/console", false, null);
                        }
                    } catch (Exception e) {
                        // the charts below show what was done
                    }
                });
                load.start();
                b.open("#/cluster");
                b.signIn("admin", "ensemble-pw");
                // members announce their REST address once the ensemble has its shared secret: allow for that
                WebDriverWait patient = new WebDriverWait(b.driver, Duration.ofSeconds(90));
                patient.ignoring(StaleElementReferenceException.class);
                patient.until(d -> d.findElements(
                                        By.cssSelector(
                                                "[data-member][data-connection='connected'], [data-member][data-connection='self']"))
                                .size()
                        == 3);
                b.textIn("[data-member='" + leader + "'] .role", "leader");
                b.textIn("[data-member='" + victim + "'] .role", "follower");
                patient.until(d -> !d.findElement(By.cssSelector("[data-member='" + victim + "'] .lag"))
                        .getText()
                        .isEmpty());
                b.wait.until(d -> Integer.parseInt(d.findElement(
                                        By.cssSelector("[data-member='" + victim + "'] [data-chart='znodes'] polyline"))
                                .getDomAttribute("data-points"))
                        > 1);
                load.join();
                b.wait.until(d -> !d.findElement(By.id("message")).isDisplayed()); // the sign-in note goes
                b.settled();
                b.screenshot("8-ensemble");

                // looked at every 10 ms (not the default 500 ms), so the printed time is the page's, not the poll's
                WebDriverWait close = new WebDriverWait(b.driver, Duration.ofSeconds(30), Duration.ofMillis(10));
                close.ignoring(StaleElementReferenceException.class);
                long killedAt = System.nanoTime();
                ensemble.kill(victim);
                close.until(d -> "disconnected"
                        .equals(d.findElement(By.cssSelector("[data-member='" + victim + "']"))
                                .getDomAttribute("data-connection")));
                System.out.printf(
                        "ConsoleEnsembleIT: member %d shown disconnected %d ms after its SIGKILL%n",
                        victim, (System.nanoTime() - killedAt) / 1_000_000);
                assertThat(b.attr("[data-member='" + leader + "']", "data-connection"))
                        .isEqualTo("self");
                b.textIn("[data-member='" + victim + "'] .conn", "disconnected");
                b.settled();
                b.screenshot("9-ensemble-member-killed");
            }
        }
    }
}
