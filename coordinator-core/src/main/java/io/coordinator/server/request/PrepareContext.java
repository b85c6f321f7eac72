package io.coordinator.server.request;

import io.coordinator.server.protocol.Id;
import java.util.List;

/** Who asks, for preparation: the session and the identities its connection authenticated as. */
record PrepareContext(long sessionId, List<Id> authIds) {

    boolean isSuper() {
        for (Id id : authIds) {
            if ("super".equals(id.scheme())) {
                return true;
            }
        }
        return false;
    }
}
