package io.coordinator.server.request;

/**
 * The replication layer's answer to a membership change, asked on the pipeline thread when a leader prepares a
 * {@code reconfig} (opcode 16). Set on the pipeline only when {@code reconfigEnabled=true}; without it every
 * reconfig is refused with RECONFIGDISABLED, as ZooKeeper's default.
 */
public interface ReconfigGate {
    /**
     * Whether the ensemble can take the membership {@code serverLines} (ZooKeeper's {@code server.N=...} lines
     * of the whole new ensemble) now, based on config version {@code fromVersion} ({@code -1}: any).
     *
     * @return {@code Code.OK}, or ZooKeeper's refusal: RECONFIGINPROGRESS, BADVERSION, NEWCONFIGNOQUORUM,
     *     BADARGUMENTS, UNIMPLEMENTED (a standalone server)
     */
    int check(String serverLines, long fromVersion);

    /** A standalone server: ZooKeeper answers UNIMPLEMENTED ("reconfiguration currently not supported"). */
    ReconfigGate STANDALONE = (lines, from) -> io.coordinator.server.protocol.Code.UNIMPLEMENTED;
}
