package io.coordinator.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** encode is the exact inverse of decode, for every request shape a server may forward. */
class RequestsCodecTest {

    private static void roundTrip(int type, Requests.Body body) {
        JuteWriter w = new JuteWriter();
        Requests.encode(type, body, w);
        byte[] bytes = w.toByteArray();
        JuteReader r = new JuteReader(bytes);
        Requests.Body back = Requests.decode(type, r);
        assertThat(r.remaining()).as("all bytes consumed for type %d", type).isZero();
        JuteWriter again = new JuteWriter();
        Requests.encode(type, back, again);
        assertThat(again.toByteArray()).as("type %d", type).isEqualTo(bytes);
    }

    @Test
    void everyShapeRoundTrips() {
        List<Acl> acl = List.of(new Acl(Perms.ALL, Id.ANYONE), new Acl(Perms.READ, new Id("digest", "u:h")));
        roundTrip(OpCode.CREATE, new Requests.Create("/a", new byte[] {1, 2}, acl, 3, -1));
        roundTrip(OpCode.CREATE2, new Requests.Create("/a", null, acl, 0, -1));
        roundTrip(OpCode.CREATE_CONTAINER, new Requests.Create("/c", new byte[0], acl, 4, -1));
        roundTrip(OpCode.CREATE_TTL, new Requests.Create("/t", new byte[0], acl, 5, 1234L));
        roundTrip(OpCode.DELETE, new Requests.Delete("/a", 7));
        roundTrip(OpCode.EXISTS, new Requests.PathWatch("/a", true));
        roundTrip(OpCode.SET_DATA, new Requests.SetData("/a", new byte[] {9}, -1));
        roundTrip(OpCode.SYNC, new Requests.PathOnly("/a"));
        roundTrip(OpCode.DELETE_CONTAINER, new Requests.PathOnly("/c"));
        roundTrip(OpCode.SET_ACL, new Requests.SetAcl("/a", acl, 2));
        roundTrip(OpCode.CHECK, new Requests.CheckVersion("/a", 1));
        roundTrip(
                OpCode.MULTI,
                new Requests.Multi(List.of(
                        new Requests.Op(OpCode.CREATE, new Requests.Create("/m", null, acl, 0, -1)),
                        new Requests.Op(OpCode.CHECK, new Requests.CheckVersion("/m", 0)),
                        new Requests.Op(OpCode.SET_DATA, new Requests.SetData("/m", new byte[0], -1)),
                        new Requests.Op(OpCode.DELETE, new Requests.Delete("/m", -1)))));
        roundTrip(
                OpCode.MULTI_READ,
                new Requests.Multi(List.of(
                        new Requests.Op(OpCode.GET_DATA, new Requests.PathWatch("/m", false)),
                        new Requests.Op(OpCode.GET_CHILDREN, new Requests.PathWatch("/", true)))));
        roundTrip(OpCode.RECONFIG, new Requests.Reconfig("j", null, "n", -1));
        roundTrip(OpCode.REMOVE_WATCHES, new Requests.WatchType("/a", 3));
        roundTrip(OpCode.ADD_WATCH, new Requests.AddWatch("/a", 1));
        roundTrip(
                OpCode.SET_WATCHES,
                new Requests.SetWatches(5, List.of("/d"), List.of("/e"), List.of(), List.of(), List.of()));
        roundTrip(
                OpCode.SET_WATCHES2,
                new Requests.SetWatches(5, List.of("/d"), List.of(), List.of("/c"), List.of("/p"), List.of("/r")));
        roundTrip(OpCode.AUTH, new Requests.Auth(0, "digest", "u:p".getBytes()));
        roundTrip(OpCode.SASL, new Requests.Sasl(new byte[] {1}));
        roundTrip(OpCode.CLOSE_SESSION, Requests.Empty.INSTANCE);
    }
}
