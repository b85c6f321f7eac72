package io.coordinator.trust.check;

import static io.coordinator.trust.check.HistoryBuilder.children;
import static io.coordinator.trust.check.HistoryBuilder.created;
import static io.coordinator.trust.check.HistoryBuilder.createdEphemeral;
import static io.coordinator.trust.check.HistoryBuilder.data;
import static io.coordinator.trust.check.HistoryBuilder.ephemeralData;
import static io.coordinator.trust.check.HistoryBuilder.multiFailed;
import static io.coordinator.trust.check.HistoryBuilder.multiOk;
import static io.coordinator.trust.check.HistoryBuilder.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.trust.check.Violation.Category;
import io.coordinator.trust.history.NodeStat;
import io.coordinator.trust.history.Request;
import io.coordinator.trust.history.Result;
import io.coordinator.trust.history.SubResult;
import org.junit.jupiter.api.Test;

class CheckerTest {
    private static final long A = 0xA1;
    private static final long B = 0xB2;
    private static final long C = 0xC3;

    @Test
    void aConsistentHistoryPasses() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/k", "a1", false, false), created(5, "/r/k"));
        h.op(B, Request.get("/r/k", false), data(5, "a1", 5, 5, 0));
        h.op(A, Request.set("/r/k", "a2", 0), set(6, 5, 1));
        h.op(B, Request.set("/r/k", "b1", 0), Result.fail(Result.BADVERSION, 7));
        h.op(B, Request.create("/r/q-", "s", false, true), created(8, "/r/q-0000000001"));
        h.op(A, Request.children("/r", false), children(8, "k", "q-0000000001"));
        h.op(
                B,
                Request.multi(Request.check("/r/k", 1), Request.set("/r/k", "b2", -1)),
                multiOk(9, new SubResult(0, null, null), new SubResult(0, null, new NodeStat(5, 9, 2, 0))));
        h.op(
                A,
                Request.multi(Request.delete("/r/k", 0), Request.create("/r/x", "x", false, false)),
                multiFailed(10, Result.BADVERSION, Result.ROLLED_BACK));
        h.op(A, Request.syncGet("/r/k"), data(10, "b2", 5, 9, 2));
        h.finalRead(B, Request.exists("/r/x", false), Result.fail(Result.NONODE, 10));
        assertThat(h.check().violations()).isEmpty();
    }

    @Test
    void aLostWriteIsCaughtByTheFinalRead() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/k", "a1", false, false), created(5, "/r/k"));
        h.op(A, Request.set("/r/k", "a2", -1), set(6, 5, 1));
        h.finalRead(B, Request.syncGet("/r/k"), data(7, "a1", 5, 5, 0));
        Checker.Report r = h.check();
        assertThat(r.count(Category.LOST_WRITE)).isEqualTo(1);
        assertThat(r.violations().get(0).message()).contains("a1").contains("a2");
    }

    @Test
    void aStaleReadAtANewerZxidIsCaught() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/k", "a1", false, false), created(5, "/r/k"));
        h.op(A, Request.set("/r/k", "a2", -1), set(6, 5, 1));
        h.op(B, Request.get("/r/k", false), data(8, "a1", 5, 5, 0));
        assertThat(h.check().count(Category.LINEARIZABILITY)).isEqualTo(1);
    }

    @Test
    void aReadOfAnOlderZxidMayShowOlderStateOnAFollower() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/k", "a1", false, false), created(5, "/r/k"));
        h.op(A, Request.set("/r/k", "a2", -1), set(6, 5, 1));
        h.op(B, Request.get("/r/k", false), data(5, "a1", 5, 5, 0)); // sequential consistency: allowed
        assertThat(h.check().violations()).isEmpty();
    }

    @Test
    void aStaleSyncReadBreaksRealTimeOrder() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/k", "a1", false, false), created(5, "/r/k"));
        h.op(A, Request.set("/r/k", "a2", -1), set(6, 5, 1));
        h.op(B, Request.syncGet("/r/k"), data(5, "a1", 5, 5, 0));
        assertThat(h.check().count(Category.LINEARIZABILITY)).isEqualTo(1);
    }

    @Test
    void writesOutOfRealTimeOrderAreCaught() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/a", "a", false, false), created(9, "/r/a"));
        h.op(B, Request.create("/r/b", "b", false, false), created(8, "/r/b"));
        assertThat(h.check().count(Category.LINEARIZABILITY)).isEqualTo(1);
    }

    @Test
    void aSessionsZxidsMustNotGoBack() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/a", "a", false, false), created(9, "/r/a"));
        h.op(A, Request.exists("/r/b", false), Result.fail(Result.NONODE, 7));
        assertThat(h.check().count(Category.LINEARIZABILITY)).isEqualTo(1);
    }

    @Test
    void anUnknownWriteThatHappenedIsAccepted() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/k", "a1", false, false), created(5, "/r/k"));
        h.op(A, Request.set("/r/k", "lost?", -1), Result.unknown());
        h.op(B, Request.get("/r/k", false), data(9, "lost?", 5, 7, 1));
        h.op(B, Request.set("/r/k", "b", 1), set(10, 5, 2));
        Checker.Report r = h.check();
        assertThat(r.violations()).isEmpty();
        assertThat(r.placedUnknowns()).hasSize(1);
    }

    /**
     * Found by the CI profile (KILL_LEADER and KILL_FOLLOWER rounds): an unknown write that is txn z, seen by a read at
     * z which, in the event order, follows another read at z of another path. The search only tried a position
     * before the first event of the zxid group, and skipped it because that read did not touch the write's path.
     */
    @Test
    void anUnknownWriteSeenByTheSecondReadAtItsZxidIsAccepted() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/k", "a1", false, false), created(5, "/r/k"));
        h.op(A, Request.create("/r/o", "o", false, false), created(6, "/r/o"));
        h.op(A, Request.set("/r/k", "u", -1), Result.unknown());
        h.op(C, Request.get("/r/o", false), data(9, "o", 6, 6, 0));
        h.op(B, Request.get("/r/k", false), data(9, "u", 5, 9, 1));
        Checker.Report r = h.check();
        assertThat(r.violations()).isEmpty();
        assertThat(r.placedUnknowns()).hasSize(1);
    }

    @Test
    void anUnknownWriteThatDidNotHappenIsAccepted() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/k", "a1", false, false), created(5, "/r/k"));
        h.op(A, Request.set("/r/k", "lost?", -1), Result.unknown());
        h.op(B, Request.set("/r/k", "b", 0), set(9, 5, 1));
        h.finalRead(B, Request.syncGet("/r/k"), data(9, "b", 5, 9, 1));
        Checker.Report r = h.check();
        assertThat(r.violations()).isEmpty();
        assertThat(r.placedUnknowns()).isEmpty();
    }

    @Test
    void anUnknownWriteCannotHappenTwiceOrBeUndone() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/k", "a1", false, false), created(5, "/r/k"));
        h.op(A, Request.set("/r/k", "u", -1), Result.unknown());
        h.op(B, Request.get("/r/k", false), data(8, "u", 5, 7, 1));
        h.op(B, Request.get("/r/k", false), data(9, "a1", 5, 5, 0)); // back to a1 with no write: impossible
        assertThat(h.check().count(Category.LINEARIZABILITY)).isEqualTo(1);
    }

    @Test
    void anUnknownWriteCannotTakeEffectBeforeItWasInvoked() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/k", "a1", false, false), created(5, "/r/k"));
        h.op(B, Request.set("/r/k", "b", -1), set(8, 5, 1));
        h.op(A, Request.set("/r/k", "late", -1), Result.unknown()); // invoked after zxid 8 was acknowledged
        h.op(B, Request.get("/r/k", false), data(7, "late", 5, 7, 1));
        assertThat(h.check().violations()).isNotEmpty();
    }

    @Test
    void sequentialNamesFollowTheParentsChildCount() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/s-", "1", false, true), created(5, "/r/s-0000000000"));
        h.op(A, Request.create("/r/s-", "2", false, true), Result.unknown());
        h.op(B, Request.create("/r/s-", "3", false, true), created(9, "/r/s-0000000002"));
        assertThat(h.check().violations()).isEmpty();

        HistoryBuilder bad = new HistoryBuilder();
        bad.op(A, Request.create("/r/s-", "1", false, true), created(5, "/r/s-0000000000"));
        bad.op(B, Request.create("/r/s-", "3", false, true), created(9, "/r/s-0000000000"));
        assertThat(bad.check().count(Category.LINEARIZABILITY)).isEqualTo(1);
    }

    @Test
    void anEphemeralMayGoWhenItsSessionEnds() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/e", "a", true, false), createdEphemeral(5, "/r/e", A));
        h.op(B, Request.get("/r/e", false), ephemeralData(6, "a", 5, 0, A));
        h.op(B, Request.exists("/r/e", false), Result.fail(Result.NONODE, 9));
        assertThat(h.check().violations()).isEmpty();
    }

    @Test
    void anEphemeralMustNotGoWhileItsOwnerLives() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/e", "a", true, false), createdEphemeral(5, "/r/e", A));
        h.op(B, Request.exists("/r/e", false), Result.fail(Result.NONODE, 7));
        h.op(A, Request.set("/r/x", "x", -1), Result.fail(Result.NONODE, 9)); // the owner still works after
        assertThat(h.check().count(Category.EPHEMERAL)).isEqualTo(1);
    }

    @Test
    void anEphemeralOfADeadOwnerMustGoInTime() {
        HistoryBuilder h = new HistoryBuilder();
        h.probes.add(new EphemeralProbe("/r/e", A, 1_000, 5_000, 6_000));
        assertThat(h.check().violations()).isEmpty();
        h.probes.add(new EphemeralProbe("/r/f", A, 1_000, 9_000, 6_000));
        h.probes.add(new EphemeralProbe("/r/g", A, 1_000, -1, 6_000));
        assertThat(h.check().count(Category.EPHEMERAL)).isEqualTo(2);
    }
}
