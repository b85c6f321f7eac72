package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.app.EnsembleCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code coordinator-server.jar ensemble}, the membership command the Kubernetes entrypoint runs, against a real
 * ensemble (three members in this JVM, reconfig enabled, a super digest) and a fourth server that starts knowing
 * them and itself: {@code members} prints the committed membership; {@code add} makes the fourth a member (it then
 * follows) and is a no-op the second time; {@code remove} takes it out again, and {@code add} takes it back once it
 * restarts (as a pod the preStop hook removed does in a rolling update); what the command prints matches what
 * ZooKeeper's own client reads from {@code /zookeeper/config}. Refusals: no credentials, credentials that are not
 * the super user's, and a server that does not answer in time.
 */
@Timeout(300)
class EnsembleCommandTest {
    private static final String SUPER = "super:ensemble-command-test";

    @TempDir
    Path dir;

    private final int[] client = new int[4];
    private final String[] line = new String[4];
    private final ConfigurableApplicationContext[] members = new ConfigurableApplicationContext[4];

    @AfterEach
    void stop() {
        for (ConfigurableApplicationContext m : members) {
            if (m != null) {
                m.close();
            }
        }
    }

    @Test
    void addsAndRemovesAMemberAndPrintsTheMembership() throws Exception {
        for (int i = 0; i < 4; i++) {
            client[i] = Servers.freePort();
            line[i] = "server." + (i + 1) + "=127.0.0.1:" + Servers.freePort() + ":" + Servers.freePort()
                    + ":participant;127.0.0.1:" + client[i];
        }
        String three = line[0] + "\n" + line[1] + "\n" + line[2] + "\n";
        for (int i = 0; i < 3; i++) {
            members[i] = Servers.startReconfigurable(dir, i, three, SUPER);
        }
        Servers.awaitEnsembleServing(new int[] {client[0], client[1], client[2]}, Duration.ofSeconds(90));
        members[3] = Servers.startReconfigurable(dir, 3, three + line[3] + "\n", SUPER);
        String at = "127.0.0.1:" + client[0];
        String four = line[3].substring("server.".length());

        Run listed = run(Map.of(), "members", at);
        assertThat(listed.status).isZero();
        assertThat(listed.out.trim()).isEqualTo(ensembleValueOf(Servers.configOf(client[1])));
        assertThat(listed.out.trim())
                .isEqualTo(String.join(",", line[0], line[1], line[2]).replace("server.", ""));

        Run noCredentials = run(Map.of(), "add", at, four);
        assertThat(noCredentials.status).isEqualTo(2);
        assertThat(noCredentials.err).contains("set " + EnsembleCommand.AUTH_VARIABLE);

        Run notSuper = run(Map.of(EnsembleCommand.AUTH_VARIABLE, "super:wrong"), "add", at, four, "--timeout", "5");
        assertThat(notSuper.status).isEqualTo(1);
        assertThat(notSuper.err).contains("could not add server 4", "NOAUTH");
        assertThat(Servers.configOf(client[0])).doesNotContain("server.4=");

        Map<String, String> admin = Map.of(EnsembleCommand.AUTH_VARIABLE, SUPER);
        Run add = run(admin, "add", at, four);
        assertThat(add.status).as(add.err).isZero();
        assertThat(Servers.configOf(client[1]).lines()).contains(line[3]);
        String[] modes = Servers.awaitEnsembleServing(client, Duration.ofSeconds(90));
        assertThat(modes[3]).isIn("follower", "leader");
        assertThat(add.out.trim()).isEqualTo("server 4 is a member: " + ensembleValueOf(Servers.configOf(client[3])));

        Run again = run(admin, "add", at, four);
        assertThat(again.status).isZero();
        assertThat(again.out).startsWith("server 4 is a member: ");

        Run remove = run(admin, "remove", "127.0.0.1:" + client[2], "4");
        assertThat(remove.status).as(remove.err).isZero();
        assertThat(Servers.configOf(client[2])).doesNotContain("server.4=");
        assertThat(remove.out.trim())
                .isEqualTo("server 4 is not a member: " + ensembleValueOf(Servers.configOf(client[2])));

        // a removed member restarted (a rolling update of a pod the preStop hook took out) joins again
        members[3].close();
        members[3] = Servers.startReconfigurable(dir, 3, three + line[3] + "\n", SUPER);
        Run rejoin = run(admin, "add", at, four);
        assertThat(rejoin.status).as(rejoin.err).isZero();
        assertThat(Servers.awaitEnsembleServing(client, Duration.ofSeconds(90))[3])
                .isIn("follower", "leader");
    }

    @Test
    void aServerThatDoesNotAnswerInTimeIsReportedWithTheLastError() throws Exception {
        int port = Servers.freePort();
        Run r = run(Map.of(), "members", "127.0.0.1:" + port, "--timeout", "2");

        assertThat(r.status).isEqualTo(1);
        assertThat(r.err)
                .contains("could not read the membership at 127.0.0.1:" + port, "within 2 s", "Connection refused");
    }

    @Test
    void malformedArgumentsAreUsageErrors() {
        assertThat(run(Map.of(), "members").status).isEqualTo(2);
        assertThat(run(Map.of(), "members", "no-port").err).contains("a server is <host>:<client port>");
        assertThat(run(Map.of(EnsembleCommand.AUTH_VARIABLE, SUPER), "add", "h:1", "4=nonsense").err)
                .contains("must look like HOST:QUORUM_PORT:ELECTION_PORT");
        assertThat(run(Map.of(EnsembleCommand.AUTH_VARIABLE, SUPER), "remove", "h:1", "300").err)
                .contains("a server id is 1..254");
        assertThat(run(Map.of(), "grow", "h:1").err).contains("unknown verb 'grow'");
        assertThat(run(Map.of(), "members", "h:1", "--timeout", "soon").err)
                .contains("--timeout takes whole seconds, not 'soon'");
    }

    private record Run(int status, String out, String err) {}

    private static Run run(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "ensemble";
        System.arraycopy(args, 0, all, 1, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = EnsembleCommand.run(
                all,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The membership as ZooKeeper's client reads it, in coordinator.ensemble form. */
    private static String ensembleValueOf(String config) {
        return String.join(
                ",",
                config.lines()
                        .filter(l -> l.startsWith("server."))
                        .map(l -> l.substring("server.".length()))
                        .toList());
    }
}
