package io.coordinator.trust.check;

import static io.coordinator.trust.check.HistoryBuilder.children;
import static io.coordinator.trust.check.HistoryBuilder.created;
import static io.coordinator.trust.check.HistoryBuilder.data;
import static io.coordinator.trust.check.HistoryBuilder.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.trust.check.Violation.Category;
import io.coordinator.trust.history.Request;
import io.coordinator.trust.history.Result;
import org.junit.jupiter.api.Test;

class WatchCheckerTest {
    private static final long A = 0xA1;
    private static final long B = 0xB2;

    private static HistoryBuilder watchedKey() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/k", "a1", false, false), created(5, "/r/k"));
        h.op(B, Request.get("/r/k", true), data(5, "a1", 5, 5, 0));
        h.op(A, Request.set("/r/k", "a2", -1), set(6, 5, 1));
        return h;
    }

    @Test
    void oneEventPerChangeBeforeNewerRepliesPasses() {
        HistoryBuilder h = watchedKey();
        h.event(B, "NodeDataChanged", "/r/k", 6);
        h.op(B, Request.get("/r/k", false), data(6, "a2", 5, 6, 1));
        assertThat(h.check().violations()).isEmpty();
    }

    @Test
    void aMissingEventIsCaught() {
        HistoryBuilder h = watchedKey();
        h.op(B, Request.get("/r/k", false), data(6, "a2", 5, 6, 1));
        assertThat(h.check().count(Category.WATCH)).isEqualTo(1);
    }

    @Test
    void anEventAfterTheReplyShowingTheChangeIsLate() {
        HistoryBuilder h = watchedKey();
        h.op(B, Request.get("/r/k", false), data(6, "a2", 5, 6, 1));
        h.event(B, "NodeDataChanged", "/r/k", 6);
        assertThat(h.check().count(Category.WATCH)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aDuplicatedEventIsCaught() {
        HistoryBuilder h = watchedKey();
        h.event(B, "NodeDataChanged", "/r/k", 6);
        h.event(B, "NodeDataChanged", "/r/k", 6);
        assertThat(h.check().count(Category.WATCH)).isEqualTo(1);
    }

    @Test
    void anEventForTheWrongChangeIsCaught() {
        HistoryBuilder h = watchedKey();
        h.op(A, Request.set("/r/k", "a3", -1), set(7, 5, 2));
        h.event(B, "NodeDataChanged", "/r/k", 7); // the watch had to fire for zxid 6
        assertThat(h.check().count(Category.WATCH)).isEqualTo(1);
    }

    @Test
    void eventsOutOfZxidOrderAreCaught() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/k", "a1", false, false), created(5, "/r/k"));
        h.op(B, Request.children("/r", true), children(5, "k"));
        h.op(B, Request.get("/r/k", true), data(5, "a1", 5, 5, 0));
        h.op(A, Request.set("/r/k", "a2", -1), set(6, 5, 1));
        h.op(A, Request.create("/r/j", "j", false, false), created(7, "/r/j"));
        h.event(B, "NodeChildrenChanged", "/r", 7);
        h.event(B, "NodeDataChanged", "/r/k", 6);
        assertThat(h.check().count(Category.WATCH)).isEqualTo(1);
    }

    @Test
    void anEventWhoseTxnMadeNoSuchChangeIsCaught() {
        HistoryBuilder h = watchedKey();
        h.op(A, Request.create("/r/j", "j", false, false), created(7, "/r/j"));
        h.event(B, "NodeDeleted", "/r/k", 7);
        assertThat(h.check().count(Category.WATCH)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void watchesSurviveAReconnectAndStillMustFire() {
        HistoryBuilder h = watchedKey();
        h.state(B, "Disconnected");
        h.state(B, "SyncConnected");
        h.op(
                B,
                Request.exists("/r/k", false),
                Result.ok(6).withStat(new io.coordinator.trust.history.NodeStat(5, 6, 1, 0)));
        assertThat(h.check().count(Category.WATCH)).isEqualTo(1);
    }

    @Test
    void anExpiredSessionOwesNoEvents() {
        HistoryBuilder h = watchedKey();
        h.state(B, "Expired");
        assertThat(h.check().violations()).isEmpty();
    }

    /** B watches for /r/k to appear; A creates it at 6. */
    private static HistoryBuilder existWatchThenCreate() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(B, Request.exists("/r/k", true), Result.fail(Result.NONODE, 5));
        h.op(A, Request.create("/r/k", "a1", false, false), created(6, "/r/k"));
        return h;
    }

    private static void reconnect(HistoryBuilder h, long session) {
        h.state(session, "Disconnected");
        h.state(session, "SyncConnected");
    }

    /** A creates /r/k again at 8, B's exist watch fires for that create, and B reads it. */
    private static void recreateAt8AndSeeIt(HistoryBuilder h) {
        h.op(A, Request.create("/r/k", "a2", false, false), created(8, "/r/k"));
        h.event(B, "NodeCreated", "/r/k", 8);
        h.op(B, Request.get("/r/k", false), data(8, "a2", 8, 8, 0));
    }

    @Test
    void anExistWatchMayMissACreateAndDeleteWhileTheClientReconnects() {
        // As ZooKeeper's setWatches: the node is gone again when the new server re-arms the watch.
        HistoryBuilder h = existWatchThenCreate();
        h.op(A, Request.delete("/r/k", -1), Result.ok(7));
        reconnect(h, B);
        h.op(B, Request.get("/r/x", false), Result.fail(Result.NONODE, 7));
        recreateAt8AndSeeIt(h);
        assertThat(h.check().count(Category.WATCH)).isZero();
    }

    /**
     * A multi that creates and deletes the node leaves it absent: the new server may re-arm the watch after it.
     * (Found by TrustIT, seed 25422067083385, round 5: the checker took such a txn for a create that left the node
     * present, and reported a lost event the server did not owe.)
     */
    @Test
    void anExistWatchMayMissAMultiThatCreatesAndDeletesWhileTheClientReconnects() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(B, Request.exists("/r/k", true), Result.fail(Result.NONODE, 5));
        reconnect(h, B);
        h.op(A, Request.multi(Request.create("/r/k", "a1", false, false), Request.delete("/r/k", -1)), Result.ok(6));
        h.op(B, Request.get("/r/x", false), Result.fail(Result.NONODE, 7));
        h.op(B, Request.get("/r/x", false), Result.fail(Result.NONODE, 7));
        assertThat(h.check().count(Category.WATCH)).isZero();
    }

    /** The other order, delete then create, leaves the node present: the create is owed, as a catch-up. */
    @Test
    void aMultiThatDeletesAndCreatesLeavesTheNodePresentAndOwesItsEvent() {
        HistoryBuilder h = existWatchThenCreate(); // created at 6
        reconnect(h, B);
        h.op(A, Request.multi(Request.delete("/r/k", -1), Request.create("/r/k", "a2", false, false)), Result.ok(7));
        h.op(B, Request.get("/r/k", false), data(7, "a2", 7, 7, 0));
        assertThat(h.check().count(Category.WATCH)).isEqualTo(1);
    }

    @Test
    void anExistWatchWhoseNodeStillExistsAfterAReconnectOwesACatchUp() {
        HistoryBuilder h = existWatchThenCreate();
        reconnect(h, B);
        h.op(B, Request.get("/r/k", false), data(6, "a1", 6, 6, 0));
        assertThat(h.check().count(Category.WATCH)).isEqualTo(1);
    }

    @Test
    void aCreateAndDeleteSeenBeforeTheReconnectStillOweTheirEvent() {
        HistoryBuilder h = existWatchThenCreate();
        h.op(A, Request.delete("/r/k", -1), Result.ok(7));
        h.op(B, Request.get("/r/x", false), Result.fail(Result.NONODE, 7)); // reply at 7 on the old connection
        reconnect(h, B);
        h.op(B, Request.get("/r/x", false), Result.fail(Result.NONODE, 7));
        assertThat(h.check().count(Category.WATCH)).isEqualTo(1);
    }

    @Test
    void aCatchUpEventAfterAReconnectConsumesTheWatch() {
        HistoryBuilder h = watchedKey();
        reconnect(h, B);
        h.event(B, "NodeDataChanged", "/r/k", -1);
        h.op(B, Request.get("/r/k", false), data(6, "a2", 5, 6, 1));
        assertThat(h.check().violations()).isEmpty();
    }

    @Test
    void aCatchUpEventForNoChangeIsCaught() {
        HistoryBuilder h = new HistoryBuilder();
        h.op(A, Request.create("/r/k", "a1", false, false), created(5, "/r/k"));
        h.op(B, Request.get("/r/k", true), data(5, "a1", 5, 5, 0));
        reconnect(h, B);
        h.event(B, "NodeDataChanged", "/r/k", -1);
        assertThat(h.check().count(Category.WATCH)).isEqualTo(1);
    }

    @Test
    void anEventWithoutAZxidOutsideAReconnectIsCaught() {
        HistoryBuilder h = watchedKey();
        h.event(B, "NodeDataChanged", "/r/k", -1);
        assertThat(h.check().count(Category.WATCH)).isEqualTo(1);
    }

    @Test
    void anEventRightAfterAReconnectMayBeForACreateAfterTheMissedOne() {
        // The new server re-armed the watch after the create at 6 and the delete at 7; the create at 8 fires it.
        HistoryBuilder h = existWatchThenCreate();
        reconnect(h, B);
        h.op(A, Request.delete("/r/k", -1), Result.ok(7));
        recreateAt8AndSeeIt(h);
        assertThat(h.check().count(Category.WATCH)).isZero();
    }

    @Test
    void aDataWatchIsNotForgivenAChangeAcrossAReconnect() {
        HistoryBuilder h = watchedKey(); // B's data watch from 5, set at 6
        reconnect(h, B);
        h.op(A, Request.set("/r/k", "a3", -1), set(7, 5, 2));
        h.event(B, "NodeDataChanged", "/r/k", 7); // setWatches had to send a catch-up for 6
        assertThat(h.check().count(Category.WATCH)).isEqualTo(1);
    }
}
