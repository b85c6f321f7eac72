package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.ops.ClusterStatus.PeerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A member event goes out once per change of a member's role or connection, and never while nothing changes. */
class MemberEventsTest {

    static PeerInfo peer(int id, String role, String connection) {
        return new PeerInfo(id, role, connection, null, null, null);
    }

    @Test
    void sendsAnEventPerChangedMemberAndNothingWhileNothingChanges() {
        List<PeerInfo> members = new ArrayList<>(
                List.of(peer(1, "leader", "self"), peer(2, "follower", "connected"), peer(3, "follower", "connected")));
        List<Object> sent = new ArrayList<>();
        MemberEvents events = new MemberEvents(null, () -> List.copyOf(members), (name, data) -> {
            assertThat(name).isEqualTo("member");
            sent.add(data);
        });

        events.check(); // the first look announces every member
        assertThat(sent).hasSize(3);
        sent.clear();
        events.check();
        assertThat(sent).isEmpty();

        members.set(2, peer(3, "follower", "disconnected")); // its connection closed: a SIGKILL
        events.check();
        assertThat(sent).containsExactly(Map.of("id", 3, "role", "follower", "connection", "disconnected"));
        sent.clear();
        events.check();
        assertThat(sent).isEmpty();

        members.set(0, peer(1, "looking", "self")); // the quorum lost: roles change, connections do not
        members.set(1, peer(2, "participant", "connected"));
        events.check();
        assertThat(sent)
                .containsExactly(
                        Map.of("id", 1, "role", "looking", "connection", "self"),
                        Map.of("id", 2, "role", "participant", "connection", "connected"));
    }
}
