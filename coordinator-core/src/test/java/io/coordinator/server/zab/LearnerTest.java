package io.coordinator.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Learner}, one input at a time: server 2 (a voter; 4 observes) with the durable log {@code log}, applied
 * through {@code applied}, epochs {@code accepted/current}, follows server 1; the {@code given} script has run
 * (see {@link OneNode#run}: the leader's messages in the learner's current session), then {@code when} runs:
 * what it sends and where it ends up, in each phase (discovery, sync, broadcast).
 */
class LearnerTest {

    /** Synced with leader 1 in epoch 2 at 1.2, and told it is up to date. */
    private static final String SYNCED = "leaderinfo 2; diff #1 1.2; newleader #2 1.2; commit #3 1.2; uptodate #4";

    private static void check(
            int me, String log, String applied, String epochs, String given, String when, String sent, String state) {
        OneNode n = new OneNode(me, log, applied, epochs).follow(1);
        n.run(given == null ? "" : given.replace("SYNCED", SYNCED));
        assertEquals(sent == null ? "" : sent, String.join("; ", n.run(when)), "sent");
        assertEquals(state, n.state(), "state");
    }

    @Test
    void joiningALeaderStartsASessionWithItsAcceptedEpochAndDurableEnd() {
        assertEquals(
                List.of("1 FollowerInfo accepted=1 last=1.2 applied=1.1"),
                new OneNode(2, "1.1 1.2", "1.1", "1/1").follow(1).take());
        assertEquals(
                List.of("1 ObserverInfo accepted=1 last=1.2 applied=1.1"),
                new OneNode(OneNode.OBSERVER, "1.1 1.2", "1.1", "1/1").follow(1).take());
    }

    /** Discovery: promise the leader's epoch, never one promised to another leader. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "a new epoch: promise it and ACKEPOCH with the current epoch and durable end, 1/1, leaderinfo 2,"
                + " 1 AckEpoch epoch=2 current=1 last=1.2,"
                + " FOLLOWING serving=false epochs=2/1 log=1.2 committed=1.2 applied=1.2",
        "the epoch it already synced in: promise it again, 2/2, leaderinfo 2,"
                + " 1 AckEpoch epoch=2 current=2 last=1.2,"
                + " FOLLOWING serving=false epochs=2/2 log=1.2 committed=1.2 applied=1.2",
        "an epoch older than promised: refuse and look again, 3/1, leaderinfo 2,"
                + " 1 EpochRefused epoch=2 accepted=3; 1 Notification LOOKING vote=2 zxid=1.2 epoch=1 round=2;"
                + " 3 Notification LOOKING vote=2 zxid=1.2 epoch=1 round=2,"
                + " LOOKING serving=false epochs=3/1 log=1.2 committed=1.2 applied=1.2",
        "the same epoch promised to a leader it does not know: refuse, 2/1, leaderinfo 2,"
                + " 1 EpochRefused epoch=2 accepted=2; 1 Notification LOOKING vote=2 zxid=1.2 epoch=1 round=2;"
                + " 3 Notification LOOKING vote=2 zxid=1.2 epoch=1 round=2,"
                + " LOOKING serving=false epochs=2/1 log=1.2 committed=1.2 applied=1.2",
        "a tick without LEADERINFO: FOLLOWERINFO again (it may have been lost), 1/1, tick,"
                + " 1 FollowerInfo accepted=1 last=1.2 applied=1.2,"
                + " FOLLOWING serving=false epochs=1/1 log=1.2 committed=1.2 applied=1.2",
        "a stream message before LEADERINFO is dropped, 1/1, diff #1 1.2, ,"
                + " FOLLOWING serving=false epochs=1/1 log=1.2 committed=1.2 applied=1.2",
    })
    void discovery(String name, String epochs, String when, String sent, String state) {
        check(2, "1.1 1.2", "1.2", epochs, "", when, sent, state);
    }

    /**
     * Sync: DIFF, TRUNC or SNAP, the leader's txns, NEWLEADER; NEWLEADER is acknowledged (and its epoch made
     * current) only once the synced history is durable. Stream messages are taken in seq order.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "DIFF at its end and NEWLEADER: nothing to write: ack at once and take the epoch as current, '1.1 1.2',"
                + " 1.2, leaderinfo 2, diff #1 1.2; newleader #2 1.2, 1 AckNewLeader 1.2,"
                + " FOLLOWING serving=false epochs=2/2 log=1.2 committed=1.2 applied=1.2",
        "a tick before the stream starts: ACKEPOCH again and a ping, '1.1 1.2', 1.2, leaderinfo 2, tick,"
                + " 1 AckEpoch epoch=2 current=1 last=1.2; 1 Ping #0 0,"
                + " FOLLOWING serving=false epochs=2/1 log=1.2 committed=1.2 applied=1.2",
        "missing txns are written; NEWLEADER waits for them to be durable, '1.1 1.2', 1.2, leaderinfo 2,"
                + " diff #1 1.2; proposal #2 1.3; newleader #3 1.3, ,"
                + " FOLLOWING serving=false epochs=2/1 log=1.3 committed=1.2 applied=1.2",
        "their fsync: NEWLEADER acknowledged, '1.1 1.2', 1.2,"
                + " leaderinfo 2; diff #1 1.2; proposal #2 1.3; newleader #3 1.3, fsync, 1 AckNewLeader 1.3,"
                + " FOLLOWING serving=false epochs=2/2 log=1.3 committed=1.2 applied=1.2",
        "reordered: a later stream message waits for the missing one, '1.1 1.2', 1.2, leaderinfo 2,"
                + " newleader #2 1.2, , FOLLOWING serving=false epochs=2/1 log=1.2 committed=1.2 applied=1.2",
        "the missing one arrives: both are taken in order, '1.1 1.2', 1.2, leaderinfo 2; newleader #2 1.2,"
                + " diff #1 1.2, 1 AckNewLeader 1.2,"
                + " FOLLOWING serving=false epochs=2/2 log=1.2 committed=1.2 applied=1.2",
        "a duplicate is dropped, '1.1 1.2', 1.2, leaderinfo 2; diff #1 1.2; newleader #2 1.2,"
                + " newleader #2 1.2, , FOLLOWING serving=false epochs=2/2 log=1.2 committed=1.2 applied=1.2",
        "TRUNC: what the leader's history does not confirm is cut at NEWLEADER, '1.1 1.2 1.3', 1.1,"
                + " leaderinfo 2, trunc #1 1.2; newleader #2 1.2, 1 AckNewLeader 1.2,"
                + " FOLLOWING serving=false epochs=2/2 log=1.2 committed=1.1 applied=1.1",
        "TRUNC then a txn that differs: cut there and written, '1.1 1.2 1.3', 1.1, leaderinfo 2,"
                + " trunc #1 1.1; proposal #2 2.1; newleader #3 2.1; fsync, 1 AckNewLeader 2.1,"
                + " FOLLOWING serving=false epochs=2/2 log=2.1 committed=1.1 applied=1.1",
        "SNAP: the leader's snapshot replaces the state and the log, '1.1', 1.1, leaderinfo 2,"
                + " snap #1 2.5; newleader #2 2.5, 1 AckNewLeader 2.5,"
                + " FOLLOWING serving=false epochs=2/2 log=2.5 committed=2.5 applied=2.5",
        "DIFF from a point it does not hold: a new session, '1.1 1.2', 1.2, leaderinfo 2, diff #1 1.5,"
                + " 1 FollowerInfo accepted=2 last=1.2 applied=1.2,"
                + " FOLLOWING serving=false epochs=2/1 log=1.2 committed=1.2 applied=1.2",
        "a txn before DIFF / TRUNC / SNAP: a new session, '1.1 1.2', 1.2, leaderinfo 2, proposal #1 1.3,"
                + " 1 FollowerInfo accepted=2 last=1.2 applied=1.2,"
                + " FOLLOWING serving=false epochs=2/1 log=1.2 committed=1.2 applied=1.2",
        "UPTODATE before it acknowledged NEWLEADER: a new session, '1.1 1.2', 1.2, leaderinfo 2; diff #1 1.2,"
                + " uptodate #2, 1 FollowerInfo accepted=2 last=1.2 applied=1.2,"
                + " FOLLOWING serving=false epochs=2/1 log=1.2 committed=1.2 applied=1.2",
        "UPTODATE after the NEWLEADER ack: serving, '1.1 1.2', 1.2, leaderinfo 2; diff #1 1.2; newleader #2 1.2,"
                + " commit #3 1.2; uptodate #4, , FOLLOWING serving=true epochs=2/2 log=1.2 committed=1.2 applied=1.2",
    })
    void sync(String name, String log, String applied, String given, String when, String sent, String state) {
        check(2, log, applied, "1/1", given, when, sent, state);
    }

    /** Broadcast: ack what is durable, apply what is committed and durable, keep in touch with the leader. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "a proposal is acknowledged once durable, SYNCED, proposal #5 2.1; fsync, 1 Ack 2.1,"
                + " FOLLOWING serving=true epochs=2/2 log=2.1 committed=1.2 applied=1.2",
        "a commit of a durable txn applies it, SYNCED; proposal #5 2.1; fsync, commit #6 2.1, ,"
                + " FOLLOWING serving=true epochs=2/2 log=2.1 committed=2.1 applied=2.1",
        "a committed txn not yet durable waits to be applied, SYNCED; proposal #5 2.1, commit #6 2.1, ,"
                + " FOLLOWING serving=true epochs=2/2 log=2.1 committed=2.1 applied=1.2",
        "a message of another session is dropped, SYNCED, proposal #5 2.1 @7, ,"
                + " FOLLOWING serving=true epochs=2/2 log=1.2 committed=1.2 applied=1.2",
        "a tick pings the leader with what it acknowledged, SYNCED, tick, 1 Ping #0 1.2,"
                + " FOLLOWING serving=true epochs=2/2 log=1.2 committed=1.2 applied=1.2",
        "the leader's ping tells of a message that never comes: after 2 ticks a new session, SYNCED; ping #5 1.2,"
                + " tick 3, 1 Ping #0 1.2; 1 Ping #0 1.2; 1 FollowerInfo accepted=2 last=1.2 applied=1.2,"
                + " FOLLOWING serving=false epochs=2/2 log=1.2 committed=1.2 applied=1.2",
        "nothing from the leader for more than syncLimit (5 ticks): look for a leader, SYNCED; tick 5, tick,"
                + " 1 Notification LOOKING vote=2 zxid=1.2 epoch=2 round=2;"
                + " 3 Notification LOOKING vote=2 zxid=1.2 epoch=2 round=2,"
                + " LOOKING serving=false epochs=2/2 log=1.2 committed=1.2 applied=1.2",
        "the connection to the leader breaks: look at once, SYNCED, disconnect,"
                + " 1 Notification LOOKING vote=2 zxid=1.2 epoch=2 round=2;"
                + " 3 Notification LOOKING vote=2 zxid=1.2 epoch=2 round=2,"
                + " LOOKING serving=false epochs=2/2 log=1.2 committed=1.2 applied=1.2",
    })
    void broadcast(String name, String given, String when, String sent, String state) {
        check(2, "1.1 1.2", "1.2", "1/1", given, when, sent, state);
    }

    @Test
    void anObserverWritesAndCommitsAnInformInOne() {
        check(
                OneNode.OBSERVER,
                "1.1 1.2",
                "1.2",
                "1/1",
                SYNCED,
                "inform #5 2.1; fsync",
                "1 Ack 2.1",
                "OBSERVING serving=true epochs=2/2 log=2.1 committed=2.1 applied=2.1");
    }
}
