package io.coordinator.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The order a Ready is carried out in, seen through recording fakes of every interface. */
class ReadyExecutorTest {

    private static TxnRecord rec(long zxid) {
        Txn t = new Txn.Create("/n" + zxid, new byte[0], Acl.OPEN_ACL_UNSAFE, 0, (int) zxid);
        return new TxnRecord(new TxnHeader(1, (int) zxid, zxid, 0, t.type()), t);
    }

    private static Outgoing msg(int to) {
        return new Outgoing(to, new ZabMessage.Ping(1, 0, 0, 0));
    }

    private static Ready ready(
            Epochs epochs,
            long truncateAfter,
            SnapshotToInstall snap,
            List<Long> append,
            List<Integer> sendTo,
            List<Long> apply) {
        return new Ready(
                epochs,
                truncateAfter,
                snap,
                append.stream().map(ReadyExecutorTest::rec).toList(),
                sendTo.stream().map(ReadyExecutorTest::msg).toList(),
                apply.stream().map(ReadyExecutorTest::rec).toList(),
                false,
                null, // no committed config to persist
                0);
    }

    /** Every call in order; stops at the {@code stopAt}-th checkpoint (0 = never). */
    private static final class Recorder {
        final List<String> calls = new ArrayList<>();
        int stopAt;
        int checkpoints;

        ReadyExecutor executor() {
            return new ReadyExecutor(
                    e -> calls.add("epochs " + e.acceptedEpoch() + "/" + e.currentEpoch()),
                    new ReadyExecutor.LogAppender() {
                        @Override
                        public void truncateAfter(long zxid) {
                            calls.add("truncate " + zxid);
                        }

                        @Override
                        public void append(TxnRecord record) {
                            calls.add("append " + record.zxid());
                        }

                        @Override
                        public void sync(long lastZxid, long logGeneration) {
                            calls.add("sync " + lastZxid);
                        }
                    },
                    snap -> calls.add("snapshot " + snap.zxid()),
                    o -> calls.add("send " + o.to()),
                    r -> calls.add("apply " + r.zxid()),
                    new ReadyExecutor.Checkpoint() {
                        @Override
                        public void starting(Ready ready) {
                            calls.add("start");
                        }

                        @Override
                        public boolean passed(ReadyExecutor.Step step) {
                            calls.add("| " + step);
                            return ++checkpoints != stopAt;
                        }
                    });
        }
    }

    static Stream<Arguments> orders() {
        return Stream.of(
                Arguments.of(
                        "empty Ready: only the checkpoints",
                        ready(null, -1, null, List.of(), List.of(), List.of()),
                        List.of("start", "| PERSIST_EPOCHS", "| TRUNCATE", "| INSTALL_SNAPSHOT")),
                Arguments.of(
                        "everything: epochs, truncate, snapshot, send, append + one sync, apply",
                        ready(
                                new Epochs(3, 2),
                                5,
                                new SnapshotToInstall(7, new byte[0]),
                                List.of(8L, 9L),
                                List.of(2, 3),
                                List.of(8L, 9L)),
                        List.of(
                                "start",
                                "epochs 3/2",
                                "| PERSIST_EPOCHS",
                                "truncate 5",
                                "| TRUNCATE",
                                "snapshot 7",
                                "| INSTALL_SNAPSHOT",
                                "send 2",
                                "| SEND",
                                "send 3",
                                "| SEND",
                                "append 8",
                                "| APPEND",
                                "append 9",
                                "| APPEND",
                                "sync 9",
                                "apply 8",
                                "| APPLY",
                                "apply 9",
                                "| APPLY")),
                Arguments.of(
                        "the epochs are durable before the ack that promises them is sent",
                        ready(new Epochs(4, 3), -1, null, List.of(), List.of(1), List.of()),
                        List.of(
                                "start",
                                "epochs 4/3",
                                "| PERSIST_EPOCHS",
                                "| TRUNCATE",
                                "| INSTALL_SNAPSHOT",
                                "send 1",
                                "| SEND")),
                Arguments.of(
                        "truncate 0 cuts everything (0 is a zxid, -1 is none)",
                        ready(null, 0, null, List.of(), List.of(), List.of()),
                        List.of("start", "| PERSIST_EPOCHS", "truncate 0", "| TRUNCATE", "| INSTALL_SNAPSHOT")),
                Arguments.of(
                        "appends after the sends (a proposal goes out while it is written), sync once",
                        ready(null, -1, null, List.of(1L, 2L, 3L), List.of(2), List.of()),
                        List.of(
                                "start",
                                "| PERSIST_EPOCHS",
                                "| TRUNCATE",
                                "| INSTALL_SNAPSHOT",
                                "send 2",
                                "| SEND",
                                "append 1",
                                "| APPEND",
                                "append 2",
                                "| APPEND",
                                "append 3",
                                "| APPEND",
                                "sync 3")),
                Arguments.of(
                        "applies only: no sync asked for",
                        ready(null, -1, null, List.of(), List.of(), List.of(5L)),
                        List.of(
                                "start",
                                "| PERSIST_EPOCHS",
                                "| TRUNCATE",
                                "| INSTALL_SNAPSHOT",
                                "apply 5",
                                "| APPLY")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("orders")
    void carriesOutInOrder(String name, Ready ready, List<String> expected) throws IOException {
        Recorder r = new Recorder();
        assertTrue(r.executor().carryOut(ready));
        assertEquals(expected, r.calls);
    }

    @Test
    @DisplayName("a checkpoint that says stop ends the Ready there: nothing after it is done")
    void stopsAtEveryCheckpoint() throws IOException {
        Ready full = ready(
                new Epochs(3, 2),
                5,
                new SnapshotToInstall(7, new byte[0]),
                List.of(8L, 9L),
                List.of(2, 3),
                List.of(8L, 9L));
        Recorder all = new Recorder();
        all.executor().carryOut(full);
        int total = all.checkpoints;
        assertEquals(9, total); // epochs, truncate, snapshot, 2 sends, 2 appends, 2 applies
        for (int stop = 1; stop <= total; stop++) {
            Recorder r = new Recorder();
            r.stopAt = stop;
            assertFalse(r.executor().carryOut(full), "stopped at checkpoint " + stop);
            String last = r.calls.get(r.calls.size() - 1);
            assertTrue(last.startsWith("| "), "ends at a checkpoint: " + r.calls);
            assertEquals(all.calls.subList(0, r.calls.size()), r.calls, "a prefix of the full order");
            assertEquals(stop, r.checkpoints);
        }
    }

    private static ZabNode lookingNode() {
        List<Peer> peers = List.of(new Peer(1, false), new Peer(2, false), new Peer(3, false));
        ZabLog empty = new ZabLog() {
            public long lastZxid() {
                return 0;
            }

            public long firstZxid() {
                return 0;
            }

            public List<TxnRecord> read(long afterZxid, int max) {
                return List.of();
            }
        };
        ZabStateMachine state = new ZabStateMachine() {
            public long appliedZxid() {
                return 0;
            }

            public byte[] snapshot() {
                return new byte[0];
            }
        };
        return new ZabNode(new ZabConfig(1, peers, 10, 5), Epochs.INITIAL, empty, state, 1);
    }

    @Test
    @DisplayName("step: takes the node's Ready, carries it out, advances the node; IDLE when there is none")
    void stepAdvancesTheNode() throws IOException {
        ZabNode node = lookingNode();
        Recorder r = new Recorder();
        ReadyExecutor executor = r.executor();
        assertTrue(node.hasReady(), "a new node votes for itself");
        assertEquals(ReadyExecutor.Outcome.DONE, executor.step(node));
        assertTrue(r.calls.contains("send 2") && r.calls.contains("send 3"), "its vote to both peers: " + r.calls);
        assertEquals(1, executor.carriedOut());
        assertEquals(ReadyExecutor.Outcome.IDLE, executor.step(node));
        node.tick(); // advanced: the node takes input again
        assertEquals(1, executor.carriedOut());
    }

    @Test
    @DisplayName("step: a stopped Ready is not advanced (the process is gone): the node refuses further input")
    void stoppedReadyIsNotAdvanced() throws IOException {
        ZabNode node = lookingNode();
        Recorder r = new Recorder();
        r.stopAt = 1;
        ReadyExecutor executor = r.executor();
        assertEquals(ReadyExecutor.Outcome.STOPPED, executor.step(node));
        assertEquals(0, executor.carriedOut());
        assertEquals(ReadyExecutor.Outcome.IDLE, executor.step(node));
        assertThrows(IllegalStateException.class, node::tick);
    }
}
