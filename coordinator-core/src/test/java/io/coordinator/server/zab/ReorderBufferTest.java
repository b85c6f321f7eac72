package io.coordinator.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coordinator.server.zab.ZabMessage.Commit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReorderBufferTest {

    /** Stream messages arrive with these sequence numbers; after each, everything in order is handed out. */
    @ParameterizedTest(name = "arrive [{0}] -> handed out [{1}], missing={2}")
    @CsvSource({
        "'1 2 3', '1 2 3', false",
        "'2 1 3', '1 2 3', false",
        "'3 2 1', '1 2 3', false",
        "'1 1 2 2', '1 2', false", // duplicates are dropped
        "'2 3', '', true", // 1 never came: nothing handed out
        "'1 3', '1', true",
        "'1 3 2 2', '1 2 3', false",
    })
    void handsOutInOrder(String arrive, String expected, boolean missing) {
        ReorderBuffer b = new ReorderBuffer();
        List<String> out = new ArrayList<>();
        for (String s : arrive.split(" ")) {
            b.offer(new Commit(1, 1, Long.parseLong(s), 0));
            for (ZabMessage.Stream m = b.poll(); m != null; m = b.poll()) {
                out.add(Long.toString(m.seq()));
            }
        }
        assertEquals(expected, String.join(" ", out));
        assertEquals(missing, b.missing());
    }

    /** A PING says the leader sent up to {@code pinged}; what arrived is handed out; the ticks that report lost. */
    @ParameterizedTest(name = "arrived [{0}], leader sent {1} -> lost at ticks [{2}]")
    @CsvSource({
        "'1 2', 2, ''", // nothing missing: never lost
        "'1', 2, '3 4 5'", // missing from tick 1: lost two ticks later and on
        "'', 1, '3 4 5'",
        "'2', 0, '3 4 5'", // buffered out of order: 1 is missing even without a PING
    })
    void aMissingMessageIsLostAfterTwoTicks(String arrived, long pinged, String lostAt) {
        ReorderBuffer b = new ReorderBuffer();
        if (!arrived.isBlank()) {
            for (String s : arrived.split(" ")) {
                b.offer(new Commit(1, 1, Long.parseLong(s), 0));
                while (b.poll() != null) {
                    // handed out
                }
            }
        }
        b.leaderSent(pinged);
        List<String> lost = new ArrayList<>();
        for (long t = 1; t <= 5; t++) {
            if (b.lost(t, 2)) {
                lost.add(Long.toString(t));
            }
        }
        assertEquals(lostAt, String.join(" ", lost));
    }
}
