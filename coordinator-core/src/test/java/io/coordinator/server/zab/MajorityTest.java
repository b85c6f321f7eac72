package io.coordinator.server.zab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MajorityTest {

    @ParameterizedTest(name = "{0} voters: quorum {1}")
    @CsvSource({"1, 1", "2, 2", "3, 2", "4, 3", "5, 3", "6, 4", "7, 4"})
    void aQuorumIsAStrictMajority(int voters, int quorum) {
        Majority m = new Majority(voters);
        assertEquals(quorum, m.size());
        assertEquals(false, m.reached(quorum - 1));
        assertEquals(true, m.reached(quorum));
        assertEquals(false, m.unanimous(voters - 1));
        assertEquals(true, m.unanimous(voters));
    }

    /** voters; the zxids the acking voters reached (space separated, in any order); what a quorum reached. */
    @ParameterizedTest(name = "{0} voters, acks [{1}] -> {2}")
    @CsvSource({
        "1, '7', 7",
        "3, '', -1",
        "3, '9', -1",
        "3, '9 4', 4",
        "3, '4 9', 4",
        "3, '9 4 6', 6",
        "3, '5 5 1', 5",
        "3, '0 0 0', 0",
        "5, '9 8 7', 7",
        "5, '9 8', -1",
        "5, '1 9 2 8 3', 3",
        "5, '10 10 10 10 1', 10",
        "4, '4 3 2', 2",
        "4, '4 3 2 1', 2",
    })
    void committedIsTheHighestZxidAQuorumReached(int voters, String acks, long expected) {
        long[] zxids = acks.isBlank()
                ? new long[0]
                : Arrays.stream(acks.trim().split(" "))
                        .mapToLong(Long::parseLong)
                        .toArray();
        long[] scratch = Arrays.copyOf(zxids, voters); // as the leader: a slot per voter, only n of them filled
        assertEquals(expected, new Majority(voters).committed(scratch, zxids.length));
        long[] sorted = zxids.clone();
        Arrays.sort(sorted);
        long[] reported = Arrays.copyOf(scratch, zxids.length);
        Arrays.sort(reported);
        assertArrayEquals(sorted, reported, "only reorders the reported part");
    }
}
