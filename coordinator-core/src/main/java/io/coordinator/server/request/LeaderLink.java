package io.coordinator.server.request;

import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.Requests;
import java.util.List;

/**
 * How a learner's pipeline reaches the leader: writes (and session creation and close) are decided there,
 * and the learner answers its clients when the resulting txn commits and is applied here.
 */
public interface LeaderLink {
    void forward(long sessionId, int cxid, int type, Requests.Body body, List<Id> authIds);

    void createSession(long sessionId, int timeoutMs);

    /** Asks the leader for the last zxid it proposed; the answer comes back through syncDone. */
    void sync(long sessionId, int cxid);

    /** Sessions whose clients showed life here since the last call. */
    void touch(List<Long> sessionIds);
}
