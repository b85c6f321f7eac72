package io.coordinator.server.request;

import io.coordinator.server.protocol.Requests;

/** A request of one connection waiting for its turn to be answered (replies go out in request order). */
final class Pending {
    final int xid;
    final int type;
    final Requests.Body body;
    /** True for writes: answered when their txn is applied. Everything else runs when it reaches the head. */
    final boolean write;

    long zxid;
    /** The epoch a write was sent onward (forwarded or prepared) under; see RequestPipeline#releaseHeld. */
    long epoch;

    Reply reply;
    boolean closeAfterReply;

    Pending(int xid, int type, Requests.Body body, boolean write) {
        this.xid = xid;
        this.type = type;
        this.body = body;
        this.write = write;
    }

    boolean ready() {
        return reply != null;
    }
}
