package io.coordinator.server.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.ZkException;
import io.coordinator.server.tree.DataTree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.zookeeper.server.quorum.flexible.QuorumMaj;
import org.junit.jupiter.api.Test;

/**
 * A reconfig request into the new ensemble's config text: incremental and non-incremental, the text compared
 * with what ZooKeeper 3.9.5's own {@link QuorumMaj} writes to /zookeeper/config for the same members; the checks
 * in ZooKeeper's order (disabled, then WRITE on /zookeeper/config, then the ensemble's answer).
 */
class ReconfigPreparerTest {
    private static final String S1 = "server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181";
    private static final String S2 = "server.2=127.0.0.1:2889:3889:participant;127.0.0.1:2182";
    private static final String S3 = "server.3=127.0.0.1:2890:3890:participant;127.0.0.1:2183";
    private static final String CURRENT = S1 + "\n" + S2 + "\n" + S3 + "\nversion=0";

    private static Requests.Reconfig req(String joining, String leaving, String members, long from) {
        return new Requests.Reconfig(joining, leaving, members, from);
    }

    /** What ZooKeeper writes to /zookeeper/config for these server lines at this version. */
    private static String zooKeeperText(String lines, long version) throws Exception {
        Properties p = new Properties();
        for (String l : lines.split("\n")) {
            int eq = l.indexOf('=');
            p.setProperty(l.substring(0, eq), l.substring(eq + 1));
        }
        QuorumMaj qv = new QuorumMaj(p);
        qv.setVersion(version);
        return qv.toString();
    }

    private static String text(Txn.Reconfig txn) {
        return new String(txn.data(), StandardCharsets.UTF_8);
    }

    @Test
    void incrementalAddAndRemoveWriteWhatZooKeeperWrites() throws Exception {
        List<Object[]> asked = new ArrayList<>();
        ReconfigGate gate = (lines, from) -> {
            asked.add(new Object[] {lines, from});
            return Code.OK;
        };
        Txn.Reconfig grown = ReconfigPreparer.prepare(
                req(
                        "server.4=127.0.0.1:2891:3891;2184,server.5=127.0.0.1:2892:3892:observer;127.0.0.1:2185",
                        null,
                        null,
                        -1),
                CURRENT.getBytes(StandardCharsets.UTF_8),
                gate,
                0x100000007L);
        String expected = zooKeeperText(
                CURRENT.replace("\nversion=0", "")
                        + "\nserver.4=127.0.0.1:2891:3891;2184\nserver.5=127.0.0.1:2892:3892:observer;127.0.0.1:2185",
                0x100000007L);
        assertThat(text(grown)).isEqualTo(expected).contains("server.4=127.0.0.1:2891:3891:participant;0.0.0.0:2184");
        assertThat((long) asked.get(0)[1]).isEqualTo(-1);

        Txn.Reconfig shrunk =
                ReconfigPreparer.prepare(req(null, "2, 5", null, 0x100000007L), grown.data(), gate, 0x100000009L);
        assertThat(text(shrunk))
                .isEqualTo(zooKeeperText(S1 + "\n" + S3 + "\nserver.4=127.0.0.1:2891:3891;2184", 0x100000009L));
        assertThat((long) asked.get(1)[1]).isEqualTo(0x100000007L);
    }

    @Test
    void nonIncrementalReplacesTheWholeEnsemble() throws Exception {
        Txn.Reconfig txn = ReconfigPreparer.prepare(
                req(null, null, S3 + "," + S1, -1), CURRENT.getBytes(StandardCharsets.UTF_8), (l, f) -> Code.OK, 0x20L);
        assertThat(text(txn)).isEqualTo(zooKeeperText(S1 + "\n" + S3, 0x20L));
    }

    @Test
    void malformedRequestsAreBadArgumentsNamingTheEntry() {
        byte[] current = CURRENT.getBytes(StandardCharsets.UTF_8);
        ReconfigGate ok = (l, f) -> Code.OK;
        assertThatThrownBy(() -> ReconfigPreparer.prepare(req("server.x=h:1:2", null, null, -1), current, ok, 1))
                .isInstanceOfSatisfying(
                        ZkException.class, e -> assertThat(e.code()).isEqualTo(Code.BADARGUMENTS))
                .hasMessageContaining("server.x=h:1:2");
        assertThatThrownBy(() -> ReconfigPreparer.prepare(req("server.4=h:1", null, null, -1), current, ok, 1))
                .hasMessageContaining("host:quorumPort:electionPort");
        assertThatThrownBy(() -> ReconfigPreparer.prepare(req("server.4=h:1:2:leader", null, null, -1), current, ok, 1))
                .hasMessageContaining("role 'leader'");
        assertThatThrownBy(() -> ReconfigPreparer.prepare(req(null, null, null, -1), current, ok, 1))
                .hasMessageContaining("no joining, leaving or new members");
        assertThatThrownBy(() -> ReconfigPreparer.prepare(req(null, "1,2,3", null, -1), current, ok, 1))
                .hasMessageContaining("no participant");
    }

    @Test
    void theEnsemblesRefusalIsTheClientsError() {
        byte[] current = CURRENT.getBytes(StandardCharsets.UTF_8);
        for (int code : new int[] {Code.RECONFIGINPROGRESS, Code.BADVERSION, Code.NEWCONFIGNOQUORUM}) {
            assertThatThrownBy(() -> ReconfigPreparer.prepare(req(null, "3", null, -1), current, (l, f) -> code, 1))
                    .isInstanceOfSatisfying(
                            ZkException.class, e -> assertThat(e.code()).isEqualTo(code));
        }
    }

    /** ZooKeeper 3.9's order, which Kazoo's TestReconfig relies on: disabled, the change, then the ACL. */
    @Test
    void disabledThenTheChangeThenAdminOnly() {
        DataTree tree = new DataTree();
        tree.setConfigData(CURRENT.getBytes(StandardCharsets.UTF_8));
        TxnPreparer preparer = new TxnPreparer(tree, new PendingChanges(tree), false, false);
        PrepareContext anyone = new PrepareContext(1, List.of(new Id("ip", "127.0.0.1")));
        PrepareContext admin = new PrepareContext(2, List.of(new Id("super", "")));
        Requests.Reconfig remove3 = req(null, "3", null, -1);

        assertThat(preparer.prepare(OpCode.RECONFIG, remove3, admin, 1))
                .isEqualTo(new Txn.Error(Code.RECONFIGDISABLED));
        preparer.setReconfigGate((l, f) -> Code.BADVERSION);
        assertThat(preparer.prepare(OpCode.RECONFIG, remove3, anyone, 1)).isEqualTo(new Txn.Error(Code.BADVERSION));
        preparer.setReconfigGate((l, f) -> Code.OK);
        assertThat(preparer.prepare(OpCode.RECONFIG, req("some thing", null, null, -1), anyone, 1))
                .isEqualTo(new Txn.Error(Code.BADARGUMENTS));
        assertThat(preparer.prepare(OpCode.RECONFIG, remove3, anyone, 1)).isEqualTo(new Txn.Error(Code.NOAUTH));
        assertThat(text((Txn.Reconfig) preparer.prepare(OpCode.RECONFIG, remove3, admin, 0x10L)))
                .isEqualTo(S1 + "\n" + S2 + "\nversion=10");
        preparer.setReconfigGate(ReconfigGate.STANDALONE);
        assertThat(preparer.prepare(OpCode.RECONFIG, remove3, admin, 1)).isEqualTo(new Txn.Error(Code.UNIMPLEMENTED));
    }
}
