package io.coordinator.server.zab;

import io.coordinator.server.protocol.TxnRecord;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Carries out a {@link ZabNode}'s {@link Ready} batches in the order the core requires, over small interfaces.
 * The one place that order lives: the production driver and the simulators hand their IO in here, so the
 * simulator tests the ordering production runs.
 *
 * <p>Per Ready: persist the epochs (atomically, fsynced) and the newest committed config → truncate the log (the cut and what survives are
 * durable) → install the snapshot (durably) → send the messages → write the records to append (buffered) and ask
 * for them to be made durable (reported later with {@link ZabNode#persisted}) → apply the committed txns →
 * {@link ZabNode#advance}. Messages wait for nothing else: the core only puts into a Ready the messages whose
 * claims (acks of epochs or records) the earlier steps of the same Ready, or earlier fsyncs, make true.
 *
 * <p>Single-threaded, like the node it drives.
 */
public final class ReadyExecutor {

    /** A point between steps, reported to the {@link Checkpoint}. */
    public enum Step {
        /** After the epochs (once per Ready, whether or not it had epochs to persist). */
        PERSIST_EPOCHS,
        /** After the truncation (once per Ready). */
        TRUNCATE,
        /** After the snapshot install (once per Ready). */
        INSTALL_SNAPSHOT,
        /** After each message sent. */
        SEND,
        /** After each record written. */
        APPEND,
        /** After each txn applied. */
        APPLY
    }

    /** Persists the epochs atomically and fsynced. */
    public interface EpochStore {
        void persist(Epochs epochs) throws IOException;
    }

    /**
     * Keeps the newest committed configuration (ZooKeeper's dynamic config file) so that a restarted server
     * starts from it: reconfigs in its log up to it are known to be committed, not pending.
     */
    public interface ConfigStore {
        ConfigStore NONE = config -> {};

        void persist(ZabConfig config) throws IOException;
    }

    /** The local transaction log. */
    public interface LogAppender {
        /** Cuts every record after {@code zxid}; when this returns, the cut and every surviving record are durable. */
        void truncateAfter(long zxid) throws IOException;

        /** Writes one record (buffered; not yet durable). */
        void append(TxnRecord record) throws IOException;

        /**
         * Called once after a Ready's records are written: make them durable (group commit) and, once they are,
         * report {@code ZabNode.persisted(lastZxid, logGeneration)} to the node (as a later input, on its thread).
         */
        void sync(long lastZxid, long logGeneration) throws IOException;
    }

    /** Replaces the state machine with a snapshot from the leader, durably, and lets the log continue from it. */
    public interface SnapshotInstaller {
        void install(SnapshotToInstall snapshot) throws IOException;
    }

    /** Sends a message to a peer (fire and forget: the core tolerates loss, duplication and reordering). */
    public interface Transport {
        void send(Outgoing message) throws IOException;
    }

    /** Applies a committed, locally durable txn to the state machine. */
    public interface Applier {
        void apply(TxnRecord record) throws IOException;
    }

    /**
     * Where a driver may look at a Ready before it is carried out, and stop between steps. The simulator checks
     * invariants here and crashes nodes mid-Ready; production has nothing to do.
     */
    public interface Checkpoint {
        Checkpoint NONE = new Checkpoint() {};

        /** Before any step of {@code ready}. */
        default void starting(Ready ready) {}

        /** After {@code step}; false: the process is gone, nothing more of this Ready is done (no advance). */
        default boolean passed(Step step) {
            return true;
        }
    }

    private final EpochStore epochs;
    private final ConfigStore configs;
    private final LogAppender log;
    private final SnapshotInstaller snapshots;
    private final Transport transport;
    private final Applier applier;
    private final Checkpoint checkpoint;
    private long carriedOut;

    public ReadyExecutor(
            EpochStore epochs,
            LogAppender log,
            SnapshotInstaller snapshots,
            Transport transport,
            Applier applier,
            Checkpoint checkpoint) {
        this(epochs, ConfigStore.NONE, log, snapshots, transport, applier, checkpoint);
    }

    public ReadyExecutor(
            EpochStore epochs,
            ConfigStore configs,
            LogAppender log,
            SnapshotInstaller snapshots,
            Transport transport,
            Applier applier,
            Checkpoint checkpoint) {
        this.epochs = Objects.requireNonNull(epochs, "epochs");
        this.configs = Objects.requireNonNull(configs, "configs");
        this.log = Objects.requireNonNull(log, "log");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.applier = Objects.requireNonNull(applier, "applier");
        this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
    }

    /** The outcome of {@link #step}. */
    public enum Outcome {
        /** The node had no Ready. */
        IDLE,
        /** One Ready was carried out and the node advanced. */
        DONE,
        /** The checkpoint stopped the Ready part way (the process is gone); the node did not advance. */
        STOPPED
    }

    /** Carries out the node's next Ready, if it has one, and advances the node past it. */
    public Outcome step(ZabNode node) throws IOException {
        if (!node.hasReady()) {
            return Outcome.IDLE;
        }
        Ready r = node.ready();
        if (!carryOut(r)) {
            return Outcome.STOPPED;
        }
        node.advance(r);
        carriedOut++;
        return Outcome.DONE;
    }

    /** Does the IO of {@code r} in order; false if the checkpoint stopped it part way. */
    boolean carryOut(Ready r) throws IOException {
        checkpoint.starting(r);
        if (r.epochsToPersist() != null) {
            epochs.persist(r.epochsToPersist());
        }
        if (r.configToPersist() != null) {
            configs.persist(r.configToPersist());
        }
        if (!checkpoint.passed(Step.PERSIST_EPOCHS)) {
            return false;
        }
        if (r.truncateAfter() >= 0) {
            log.truncateAfter(r.truncateAfter());
        }
        if (!checkpoint.passed(Step.TRUNCATE)) {
            return false;
        }
        if (r.snapshot() != null) {
            snapshots.install(r.snapshot());
        }
        if (!checkpoint.passed(Step.INSTALL_SNAPSHOT)) {
            return false;
        }
        for (Outgoing o : r.messages()) {
            transport.send(o);
            if (!checkpoint.passed(Step.SEND)) {
                return false;
            }
        }
        List<TxnRecord> toAppend = r.toAppend();
        for (TxnRecord rec : toAppend) {
            log.append(rec);
            if (!checkpoint.passed(Step.APPEND)) {
                return false;
            }
        }
        if (!toAppend.isEmpty()) {
            log.sync(toAppend.get(toAppend.size() - 1).zxid(), r.logGeneration());
        }
        for (TxnRecord rec : r.toApply()) {
            applier.apply(rec);
            if (!checkpoint.passed(Step.APPLY)) {
                return false;
            }
        }
        return true;
    }

    /** Readies carried out to the end (advanced) by this executor. */
    public long carriedOut() {
        return carriedOut;
    }
}
