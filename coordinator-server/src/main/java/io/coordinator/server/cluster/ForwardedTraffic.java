package io.coordinator.server.cluster;

import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.request.LeaderLink;
import io.coordinator.server.request.RequestPipeline;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Client traffic between members: a learner forwards its clients' writes, new sessions, syncs and session
 * touches to the leader ({@link #linkTo}); the leader hands what it receives to its pipeline ({@link #received}).
 * Pipeline thread only.
 */
final class ForwardedTraffic {
    private final RequestPipeline pipeline;
    private final BiConsumer<Integer, ForwardedMessage> send;
    private final BooleanSupplier leading;

    ForwardedTraffic(RequestPipeline pipeline, BiConsumer<Integer, ForwardedMessage> send, BooleanSupplier leading) {
        this.pipeline = pipeline;
        this.send = send;
        this.leading = leading;
    }

    void received(int from, ForwardedMessage m) {
        if (m instanceof ForwardedMessage.Request r) {
            pipeline.forwardedRequest(r.epoch(), r.sessionId(), r.cxid(), r.type(), r.body(), r.authIds());
        } else if (m instanceof ForwardedMessage.CreateSession cs) {
            pipeline.forwardedCreateSession(cs.epoch(), cs.sessionId(), cs.timeoutMs());
        } else if (m instanceof ForwardedMessage.Touch t) {
            pipeline.touchedElsewhere(t.sessionIds());
        } else if (m instanceof ForwardedMessage.Sync s) {
            if (leading.getAsBoolean()) {
                send.accept(from, new ForwardedMessage.SyncDone(s.sessionId(), s.cxid(), pipeline.lastProposedZxid()));
            }
        } else if (m instanceof ForwardedMessage.SyncDone d) {
            pipeline.syncDone(d.sessionId(), d.cxid(), d.zxid());
        }
    }

    /** A learner's way to its leader of {@code epoch}. */
    LeaderLink linkTo(int leaderId, long epoch) {
        return new LeaderLink() {
            @Override
            public void forward(long sessionId, int cxid, int type, Requests.Body body, List<Id> authIds) {
                send.accept(
                        leaderId,
                        new ForwardedMessage.Request(
                                epoch,
                                sessionId,
                                cxid,
                                type,
                                type == OpCode.CLOSE_SESSION ? Requests.Empty.INSTANCE : body,
                                authIds));
            }

            @Override
            public void createSession(long sessionId, int timeoutMs) {
                send.accept(leaderId, new ForwardedMessage.CreateSession(epoch, sessionId, timeoutMs));
            }

            @Override
            public void sync(long sessionId, int cxid) {
                send.accept(leaderId, new ForwardedMessage.Sync(sessionId, cxid));
            }

            @Override
            public void touch(List<Long> sessionIds) {
                send.accept(leaderId, new ForwardedMessage.Touch(sessionIds));
            }
        };
    }
}
