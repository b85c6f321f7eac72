package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.testsupport.FaultProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.ConnectResponse;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions and a member that lost its quorum, with read-only mode on: the same scenario against Apache
 * ZooKeeper 3.9.5 (three processes, local sessions on: without them its read-only member opens no session at
 * all) and against Coordinator. A global session is refused there (closed, no answer), because the quorum may
 * have expired it and the client would wrongly believe it still holds its ephemeral nodes; a session opened
 * there is local to that member, comes back to it after a dropped connection, and is expired by the quorum.
 */
@Timeout(300)
abstract class ReadOnlySessionsTest {
    static final int SESSION_TIMEOUT_MS = 20_000;
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** A three-member ensemble with read-only mode on, whose members stop and start again like processes. */
    interface Members extends AutoCloseable {
        int clientPort(int index);

        void stop(int index) throws Exception;

        void start(int index) throws Exception;

        @Override
        void close();
    }

    protected abstract Members startEnsemble(Path dir) throws Exception;

    /** Whether a member logged a line containing {@code text}. */
    protected abstract boolean logged(Members m, String text) throws Exception;

    /** Connection states a client's watcher saw, in order. */
    static final class States implements Watcher {
        private final List<KeeperState> seen = new ArrayList<>();

        @Override
        public synchronized void process(WatchedEvent event) {
            if (event.getType() == Event.EventType.None) {
                seen.add(event.getState());
            }
        }

        synchronized List<KeeperState> seen() {
            return List.copyOf(seen);
        }

        /** Waits until the watcher has seen {@code count} events in total, the last of them {@code last}. */
        void await(int count, KeeperState last) {
            Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                List<KeeperState> s = seen();
                assertThat(s).hasSizeGreaterThanOrEqualTo(count);
                assertThat(s.get(count - 1)).isEqualTo(last);
            });
        }
    }

    /** The answer a ZooKeeper server gives for an unknown/expired session, with its readOnly byte. */
    static byte[] expiredFrame(boolean readOnly) throws Exception {
        return RawClient.serialize(new ConnectResponse(0, 0, 0, new byte[16], readOnly));
    }

    static void awaitMode(int port, String wanted) {
        Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> wanted.equals(Servers.modeOf(port)));
    }

    /** Waits until the client behind the proxy has tried {@code attempts} more connections (each one ended). */
    static void awaitAttempts(FaultProxy proxy, int attempts) {
        int from = proxy.accepted();
        // one more than asked: an attempt starts only once the one before it has failed
        Awaitility.await().atMost(WAIT).until(() -> proxy.accepted() >= from + attempts + 1);
    }

    @Test
    void globalSessionsAreRefusedAndLocalOnesLiveOnlyOnTheReadOnlyMember() throws Exception {
        try (Members m = startEnsemble(dir)) {
            int port = m.clientPort(0);
            try (FaultProxy toGlobal = new FaultProxy(port);
                    FaultProxy toLocal = new FaultProxy(port);
                    FaultProxy toNotRo = new FaultProxy(port)) {
                States globalStates = new States();
                ZooKeeper global =
                        new ZooKeeper("127.0.0.1:" + toGlobal.port(), SESSION_TIMEOUT_MS, globalStates, true);
                ZooKeeper local = null;
                ZooKeeper notRo = null;
                try {
                    globalStates.await(1, KeeperState.SyncConnected);
                    global.create(
                            "/data",
                            "d".getBytes(StandardCharsets.UTF_8),
                            ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT);
                    // an ephemeral "lock": the session is global (ZooKeeper upgrades a local session here)
                    global.create("/lock", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                    long globalId = global.getSessionId();
                    byte[] globalPw = global.getSessionPasswd();

                    m.stop(1);
                    m.stop(2);
                    awaitMode(port, "read-only");

                    // (d) a client that does not accept a read-only server: closed, no answer
                    try (RawClient raw = RawClient.open(port)) {
                        assertThat(raw.connect(0, SESSION_TIMEOUT_MS, 0, new byte[16], true, false))
                                .isNull();
                    }
                    States notRoStates = new States();
                    notRo = new ZooKeeper("127.0.0.1:" + toNotRo.port(), SESSION_TIMEOUT_MS, notRoStates, false);
                    awaitAttempts(toNotRo, 3);
                    assertThat(notRoStates.seen()).isEmpty();
                    assertThat(notRo.getState()).isEqualTo(ZooKeeper.States.CONNECTING);

                    // (a) the global session: closed with no answer, whatever the password
                    try (RawClient raw = RawClient.open(port)) {
                        assertThat(raw.connect(0, SESSION_TIMEOUT_MS, globalId, globalPw, true, true))
                                .isNull();
                    }
                    try (RawClient raw = RawClient.open(port)) {
                        assertThat(raw.connect(0, SESSION_TIMEOUT_MS, globalId, new byte[16], true, true))
                                .isNull();
                    }
                    Awaitility.await()
                            .atMost(WAIT)
                            .until(() -> logged(m, "Refusing global session reconnection in RO mode"));
                    awaitAttempts(toGlobal, 3);
                    assertThat(globalStates.seen())
                            .containsExactly(KeeperState.SyncConnected, KeeperState.Disconnected);
                    assertThat(global.getState()).isEqualTo(ZooKeeper.States.CONNECTING);

                    // (b) a new session on the read-only member: reads its last state, writes refused. The client
                    // has never seen a read-write server, so after a dropped connection it asks for a new session
                    // (its id is "fake"); the server keeps the session for a raw client that asks for it by id.
                    States localStates = new States();
                    local = new ZooKeeper("127.0.0.1:" + toLocal.port(), SESSION_TIMEOUT_MS, localStates, true);
                    localStates.await(1, KeeperState.ConnectedReadOnly);
                    long localId = local.getSessionId();
                    assertThat(new String(local.getData("/data", false, null), StandardCharsets.UTF_8))
                            .isEqualTo("d");
                    assertThat(local.exists("/lock", false)).isNotNull();
                    ZooKeeper ro = local;
                    assertThatThrownBy(() -> ro.create("/w", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
                            .isInstanceOf(KeeperException.NotReadOnlyException.class);
                    toLocal.cutAll();
                    localStates.await(3, KeeperState.ConnectedReadOnly);
                    long localId2 = local.getSessionId();
                    assertThat(localId2).isNotZero().isNotEqualTo(localId);
                    assertThat(local.exists("/data", false)).isNotNull();

                    ConnectResponse opened;
                    try (RawClient raw = RawClient.open(port)) {
                        opened = raw.connect(0, SESSION_TIMEOUT_MS, 0, new byte[16], true, true);
                        assertThat(opened.getTimeOut()).isPositive();
                        assertThat(opened.getReadOnly()).isTrue();
                    }
                    try (RawClient raw = RawClient.open(port)) {
                        ConnectResponse again = raw.connect(
                                0, SESSION_TIMEOUT_MS, opened.getSessionId(), opened.getPasswd(), true, true);
                        assertThat(again.getTimeOut()).isPositive();
                        assertThat(again.getSessionId()).isEqualTo(opened.getSessionId());
                        assertThat(again.getReadOnly()).isTrue();
                    }
                    try (RawClient raw = RawClient.open(port)) {
                        raw.connect(0, SESSION_TIMEOUT_MS, opened.getSessionId(), new byte[16], true, true);
                        assertThat(raw.lastConnectFrame).isEqualTo(expiredFrame(true));
                    }
                    // an idle session opened read-only expires after its (smallest) timeout, as ZooKeeper's
                    // local sessions do: its connection is closed, and asked for again it has expired
                    try (RawClient raw = RawClient.open(port)) {
                        ConnectResponse idle = raw.connect(0, 1, 0, new byte[16], true, true);
                        assertThat(idle.getTimeOut()).isPositive();
                        assertThat(raw.closedByPeer()).isTrue();
                        try (RawClient again = RawClient.open(port)) {
                            again.connect(0, 1, idle.getSessionId(), idle.getPasswd(), true, true);
                            assertThat(again.lastConnectFrame).isEqualTo(expiredFrame(true));
                        }
                    }

                    // (c) the quorum is back: a session opened read-only is unknown to it (expired); the client
                    // that only saw read-only servers opens a new one; the global session resumes, its ephemeral
                    // node still there
                    m.start(1);
                    m.start(2);
                    localStates.await(5, KeeperState.SyncConnected);
                    assertThat(localStates.seen())
                            .containsExactly(
                                    KeeperState.ConnectedReadOnly,
                                    KeeperState.Disconnected,
                                    KeeperState.ConnectedReadOnly,
                                    KeeperState.Disconnected,
                                    KeeperState.SyncConnected);
                    assertThat(local.getSessionId()).isNotZero().isNotIn(localId, localId2);
                    try (RawClient raw = RawClient.open(port)) {
                        raw.connect(0, SESSION_TIMEOUT_MS, opened.getSessionId(), opened.getPasswd(), true, true);
                        assertThat(raw.lastConnectFrame).isEqualTo(expiredFrame(false));
                    }
                    globalStates.await(3, KeeperState.SyncConnected);
                    assertThat(globalStates.seen())
                            .containsExactly(
                                    KeeperState.SyncConnected, KeeperState.Disconnected, KeeperState.SyncConnected);
                    assertThat(global.getSessionId()).isEqualTo(globalId);
                    assertThat(global.exists("/lock", false).getEphemeralOwner())
                            .isEqualTo(globalId);
                    // (d) again: a read-write member serves the client that refused read-only servers
                    notRoStates.await(1, KeeperState.SyncConnected);
                } finally {
                    global.close();
                    if (local != null) {
                        local.close();
                    }
                    if (notRo != null) {
                        notRo.close();
                    }
                }
            }
        }
    }
}
