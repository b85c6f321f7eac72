package io.coordinator.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coordinator.server.zab.LearnerProgress.Sync;
import io.coordinator.server.zab.LearnerProgress.SyncMode;
import java.util.Arrays;
import java.util.function.LongBinaryOperator;
import java.util.function.LongPredicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LearnerProgressTest {

    /** zxids written "epoch.counter" */
    private static long z(String s) {
        if (s.equals("0")) {
            return 0;
        }
        String[] p = s.split("\\.");
        return Zxids.make(Long.parseLong(p[0]), Long.parseLong(p[1]));
    }

    /**
     * The leader's log (space separated) and the learner's durable end and applied zxid; the sync it gets.
     */
    @ParameterizedTest(name = "leader [{0}], learner at {1} applied {2} -> {3} {4}")
    @CsvSource({
        "'1.1 1.2 1.3', 1.3, 1.3, DIFF, 1.3", // up to date: an empty DIFF
        "'1.1 1.2 1.3', 1.1, 1.1, DIFF, 1.1", // behind on the same history
        "'1.1 1.2 1.3', 0, 0, SNAP, -1", // an empty learner: zxid 0 is no record, so a (durable) SNAP
        "'1.1 1.2 2.1', 1.4, 1.1, TRUNC, 1.2", // ahead in an old epoch: cut to the leader's last of epoch 1
        "'1.1 2.1', 1.3, 1.3, TRUNC, 1.1", // its applied point is not in our log: last of epoch 1 wins
        "'2.1 2.2', 1.3, 1.3, SNAP, -1", // nothing shared: snapshot
        "'1.1 1.2 2.1', 3.1, 1.2, TRUNC, 1.2", // a history we never had: back to its applied point
    })
    void syncPlan(String leaderLog, String learnerEnd, String applied, SyncMode mode, String from) {
        long[] log = Arrays.stream(leaderLog.split(" "))
                .mapToLong(LearnerProgressTest::z)
                .toArray();
        LongPredicate has = x -> Arrays.stream(log).anyMatch(r -> r == x);
        LongBinaryOperator lastOfEpoch = (epoch, at) -> Arrays.stream(log)
                .filter(r -> Zxids.epochOf(r) == epoch && r <= at)
                .max()
                .orElse(-1);
        Sync s = LearnerProgress.planSync(z(learnerEnd), z(applied), log[log.length - 1], has, lastOfEpoch);
        assertEquals(new Sync(mode, from.equals("-1") ? -1 : z(from)), s);
    }

    @ParameterizedTest(name = "newLeaderAcked={0}, acked {1}, ack {2}, leader last {3} -> acked {4} moved={5}")
    @CsvSource({
        "false, 0, 5, 9, 0, false", // acks before NEWLEADER was acknowledged do not count
        "true, 3, 5, 9, 5, true",
        "true, 5, 5, 9, 5, false", // no news
        "true, 5, 4, 9, 5, false", // never backwards
        "true, 3, 12, 9, 9, true", // capped at the leader's own history
    })
    void acks(boolean newLeaderAcked, long acked, long ack, long leaderLast, long after, boolean moved) {
        LearnerProgress p = new LearnerProgress(2, false, 1, 0);
        p.newLeaderAcked = newLeaderAcked;
        p.acked = acked;
        assertEquals(moved, p.ack(ack, leaderLast));
        assertEquals(after, p.acked);
    }

    @ParameterizedTest(name = "heard at {0}, synced={1}, now {2} -> expired={3}")
    @CsvSource({
        "0, true, 5, false", // syncLimit 5
        "0, true, 6, true",
        "0, false, 10, false", // still syncing: initLimit 10
        "0, false, 11, true",
    })
    void expiry(long heard, boolean synced, long now, boolean expired) {
        LearnerProgress p = new LearnerProgress(2, false, 1, heard);
        if (synced) {
            p.syncMode = SyncMode.DIFF;
        }
        assertEquals(expired, p.expired(now, 5, 10));
    }

    @ParameterizedTest(name = "observer={0}, newLeaderAcked={1} -> counts={2}")
    @CsvSource({"false, false, false", "false, true, true", "true, true, false", "true, false, false"})
    void onlyVotersThatAckedNewLeaderCount(boolean observer, boolean newLeaderAcked, boolean counts) {
        LearnerProgress p = new LearnerProgress(2, observer, 1, 0);
        p.newLeaderAcked = newLeaderAcked;
        assertEquals(counts, p.countsForQuorum());
    }
}
