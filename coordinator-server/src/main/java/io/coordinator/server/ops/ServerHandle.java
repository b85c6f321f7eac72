package io.coordinator.server.ops;

import io.coordinator.server.cluster.EnsembleDriver;
import io.coordinator.server.net.ClientPortConfig;
import io.coordinator.server.net.ClientPortServer;
import io.coordinator.server.request.ServerView;
import io.coordinator.server.storage.GroupCommitLog;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the operations side (actuator, metrics, REST API) may see of the running server. Implemented by the app
 * layer over its lifecycle bean; every getter may return null while the server is not started.
 */
public interface ServerHandle {

    int serverId();

    /** The ensemble as configured (empty when standalone). */
    List<Member> members();

    boolean isServing();

    ServerView view();

    EnsembleDriver ensemble();

    GroupCommitLog commitLog();

    ClientPortServer clientPort();

    /** Host a local client should connect to (the client address, or loopback when it is a wildcard). */
    String clientHost();

    /**
     * A key for {@code purpose} derived from the secret all members share (see {@code RequestPipeline.derivedKey}),
     * the same on every member; null while the server has none (not started, or an ensemble before its first
     * leader replicated one).
     */
    byte[] derivedKey(String purpose);

    /**
     * The whole state (tree, sessions, session secret) as a snapshot body, copied on the request pipeline's thread
     * between two applied txns, so it is consistent at the zxid it reports.
     */
    CompletableFuture<StateCopy> copyState();

    /**
     * Replaces a running standalone server's state with a backup ({@code BackupFormat}), as ZooKeeper 3.9's
     * {@code restore} command: its clients are disconnected and reconnect to the restored state.
     *
     * @param source what the backup is, for the log and the restore marker
     * @return the zxid the server continues from
     * @throws IOException the backup is damaged (nothing changed) or could not be written (nothing changed)
     * @throws IllegalStateException this server cannot be restored online (an ensemble member, or not serving)
     */
    long restore(byte[] backup, String source) throws IOException;

    /** @param state a snapshot body ({@code StateSnapshots} format) at {@code zxid} */
    record StateCopy(long zxid, byte[] state) {}

    /** The client port's number, -1 while it is not open. */
    default int clientPortNumber() {
        ClientPortServer p = clientPort();
        return p == null ? -1 : p.port();
    }

    /** The largest request the client port accepts (ZooKeeper's jute.maxbuffer default before it is up). */
    default int maxPacketSize() {
        ClientPortServer p = clientPort();
        return p == null ? ClientPortConfig.DEFAULT_MAX_PACKET_SIZE : p.config().maxPacketSize();
    }

    default boolean standalone() {
        return members().isEmpty();
    }

    /** @param host where the other members reach this one (its quorum address's host; ZooKeeper's leader_ip) */
    record Member(int id, boolean observer, String host) {}

    /** This server as a member of its ensemble; null when standalone. */
    default Member self() {
        return members().stream().filter(m -> m.id() == serverId()).findFirst().orElse(null);
    }
}
