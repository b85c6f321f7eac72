package io.coordinator.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.sim.ZabText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Configs}, one step at a time: server 1 starts with voters 1-3; each step of {@code steps} (separated
 * by {@code ;}) is {@code append Z MEMBERS} (a reconfig txn at zxid Z naming MEMBERS, {@code 4o} an observer),
 * {@code truncate Z}, {@code commit Z} or {@code snapshot Z V MEMBERS} (a snapshot at Z whose config is version V);
 * then the configs in force ({@code version:[members]}, committed first) and the answers to the quorum questions.
 */
class ConfigsTest {

    static List<Peer> members(String spec) {
        List<Peer> peers = new ArrayList<>();
        for (String m : spec.split(",")) {
            boolean observer = m.endsWith("o");
            peers.add(new Peer(Integer.parseInt(observer ? m.substring(0, m.length() - 1) : m), observer));
        }
        return peers;
    }

    static TxnRecord reconfig(long zxid, String spec) {
        String lines = members(spec).stream()
                .map(p -> "server." + p.id() + "=h:1:2:" + (p.observer() ? "observer" : "participant") + ";3")
                .collect(Collectors.joining("\n"));
        Txn txn = new Txn.Reconfig(ZabConfig.content(lines, zxid));
        return new TxnRecord(new TxnHeader(1, 1, zxid, 0, txn.type()), txn);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no reconfig: one config | | 0:[1,2,3] | 1,2 | 1,2,3",
                "a reconfig in the log is pending: both configs count | append 1.2 1,2,3,4"
                        + " | 0:[1,2,3] 1.2:[1,2,3,4] | 1,2,3 | 1,2,3,4",
                "a quorum must be one of both: 1,2 is none of the new | append 1.2 1,4,5 | 0:[1,2,3] 1.2:[1,4,5] | 1,4,2"
                        + " | 1,2,3,4,5",
                "committed: only the new config counts | append 1.2 1,4,5; commit 1.2 | 1.2:[1,4,5] | 4,5 | 1,4,5",
                "a commit before the reconfig leaves it pending | append 1.5 1,4,5; commit 1.4"
                        + " | 0:[1,2,3] 1.5:[1,4,5] | 1,2,4 | 1,2,3,4,5",
                "a cut reconfig is gone | append 1.2 1,4,5; truncate 1.1 | 0:[1,2,3] | 1,2 | 1,2,3",
                "a cut after it keeps it | append 1.2 1,4,5; truncate 1.2 | 0:[1,2,3] 1.2:[1,4,5] | 1,4,2 | 1,2,3,4,5",
                "observers never count | append 1.2 1,2,3,4o,5o | 0:[1,2,3] 1.2:[1,2,3,4o,5o] | 1,2 | 1,2,3",
                "a snapshot's config is committed, what it covers is no longer pending"
                        + " | append 1.2 1,4,5; snapshot 1.3 1.2 1,4,5 | 1.2:[1,4,5] | 4,5 | 1,4,5",
                "a snapshot's older config does not replace a newer committed one"
                        + " | append 1.2 1,4,5; commit 1.2; snapshot 1.3 0 1,2,3 | 1.2:[1,4,5] | 1,4 | 1,4,5",
            })
    void steps(String name, String steps, String expected, String quorum, String unanimous) {
        Configs c = new Configs(new ZabConfig(1, members("1,2,3"), 10, 5));
        for (String step : steps == null ? new String[0] : steps.split(";")) {
            String[] w = step.trim().split(" ");
            long z = ZabText.parseZxid(w[1]);
            switch (w[0]) {
                case "append" -> c.appended(reconfig(z, w[2]));
                case "truncate" -> c.truncated(z);
                case "commit" -> c.committedTo(z);
                case "snapshot" -> c.installed(z, c.committed().withMembers(ZabText.parseZxid(w[2]), members(w[3])));
                default -> throw new IllegalArgumentException(step);
            }
        }
        String actual = c.all().stream()
                .map(k -> ZabText.zxid(k.version()) + ":["
                        + k.peers().stream()
                                .map(p -> p.id() + (p.observer() ? "o" : ""))
                                .collect(Collectors.joining(","))
                        + "]")
                .collect(Collectors.joining(" "));
        assertEquals(expected, actual);
        List<Integer> q =
                Arrays.stream(quorum.split(",")).map(Integer::parseInt).toList();
        assertEquals(true, c.quorum(q), "quorum " + q);
        List<Integer> less = q.subList(0, q.size() - 1);
        assertEquals(false, c.quorum(less), "no quorum " + less);
        List<Integer> all =
                Arrays.stream(unanimous.split(",")).map(Integer::parseInt).toList();
        assertEquals(true, c.unanimous(all), "unanimous " + all);
        assertEquals(false, c.unanimous(all.subList(1, all.size())), "not unanimous without " + all.get(0));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "ZooKeeper's lines | server.1=10.0.0.1:2888:3888:participant;0.0.0.0:2181\\nserver.2=h:1:2:observer;2181"
                        + "\\nversion=100000002 | 1,2o",
                "no role: a participant | server.3=h:1:2 | 3",
                "IPv6 and no client address | server.4=[::1]:2888:3888:observer | 4o",
            })
    void parsesZooKeeperConfig(String name, String text, String expected) {
        List<Peer> peers = ZabConfig.parseMembers(text.replace("\\n", "\n"));
        assertEquals(members(expected), peers);
    }
}
