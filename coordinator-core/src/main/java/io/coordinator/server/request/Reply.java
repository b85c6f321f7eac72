package io.coordinator.server.request;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.JuteRecord;

/** The outcome of a request: an error code and the body (null for empty bodies; errors have none, but a failed SASL step). */
record Reply(int err, JuteRecord body) {
    static final Reply EMPTY = new Reply(Code.OK, null);

    static Reply ok(JuteRecord body) {
        return new Reply(Code.OK, body);
    }

    static Reply error(int err) {
        return new Reply(err, null);
    }
}
