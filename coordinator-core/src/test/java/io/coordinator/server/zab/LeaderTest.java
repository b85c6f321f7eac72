package io.coordinator.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Leader}, one input at a time: server 1 of voters 1-3 (4 observes) leads with the log {@code log} (all
 * durable and applied, its epochs those of the last record), the {@code given} script has run (see
 * {@link OneNode#run}; learner n uses session n), then {@code when} runs: what it sends and where it ends up.
 */
class LeaderTest {

    private static OneNode leader(String log) {
        log = log == null ? "" : log;
        String[] zxids = log.isBlank() ? new String[] {"0"} : log.trim().split(" +");
        String last = zxids[zxids.length - 1];
        String epoch = last.contains(".") ? last.substring(0, last.indexOf('.')) : "0";
        return new OneNode(1, log, last, epoch + "/" + epoch).lead();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // Discovery: the new epoch once a quorum of voters told their accepted epochs.
        "a voter's info makes a quorum with mine: the new epoch goes out, '1.1 1.2 1.3', , info 2 1 1.3 1.3,"
                + " 2 LeaderInfo epoch=2, LEADING serving=false epochs=2/1 log=1.3 committed=1.3 applied=1.3",
        "the epoch is one past the highest accepted one, '1.1', , info 2 4 1.1 1.1,"
                + " 2 LeaderInfo epoch=5, LEADING serving=false epochs=5/1 log=1.1 committed=1.1 applied=1.1",
        "an observer's info does not count towards the epoch, '1.1 1.2 1.3', , info 4 1 1.3 1.3,"
                + " , LEADING serving=false epochs=1/1 log=1.3 committed=1.3 applied=1.3",
        "a learner that comes once the epoch is chosen gets it at once, '1.1 1.2 1.3', info 2 1 1.3 1.3,"
                + " info 3 1 1.3 1.3, 3 LeaderInfo epoch=2,"
                + " LEADING serving=false epochs=2/1 log=1.3 committed=1.3 applied=1.3",
        "a message of another session is dropped, '1.1 1.2 1.3', info 2 1 1.3 1.3, ackepoch 2 1 1.3 @99, ,"
                + " LEADING serving=false epochs=2/1 log=1.3 committed=1.3 applied=1.3",
        // Sync, after a quorum of ACKEPOCHs: each follower gets the plan LearnerProgress.planSync makes from its
        // last zxid (DIFF, TRUNC or SNAP), the leader's txns after that point, the commit point, NEWLEADER. The
        // leader takes the new epoch as current once its own history is durable.
        "up to date: an empty DIFF, '1.1 1.2 1.3', info 2 1 1.3 1.3, ackepoch 2 1 1.3,"
                + " 2 Diff #1 1.3; 2 NewLeader #2 1.3,"
                + " LEADING serving=false epochs=2/2 log=1.3 committed=1.3 applied=1.3",
        "behind on the same history: DIFF then the missing txns and the commit point, '1.1 1.2 1.3',"
                + " info 2 1 1.1 1.1, ackepoch 2 1 1.1,"
                + " 2 Diff #1 1.1; 2 Proposal #2 1.2 create /n2; 2 Proposal #3 1.3 create /n3; 2 Commit #4 1.3;"
                + " 2 NewLeader #5 1.3, LEADING serving=false epochs=2/2 log=1.3 committed=1.3 applied=1.3",
        "ahead in an older epoch: TRUNC to the leader's last txn of that epoch, '1.1 1.2 2.1',"
                + " info 2 1 1.4 1.2, ackepoch 2 1 1.4,"
                + " 2 Trunc #1 1.2; 2 Proposal #2 2.1 create /n1; 2 Commit #3 2.1; 2 NewLeader #4 2.1,"
                + " LEADING serving=false epochs=3/3 log=2.1 committed=2.1 applied=2.1",
        "a history the leader's log does not reach: SNAP of the applied state, '2.1 2.2', info 2 1 1.3 1.3,"
                + " ackepoch 2 1 1.3, 2 Snap #1 2.2; 2 NewLeader #2 2.2,"
                + " LEADING serving=false epochs=3/3 log=2.2 committed=2.2 applied=2.2",
        "an observer's ACKEPOCH does not make the quorum: nobody is synced yet, '1.1',"
                + " info 2 1 1.1 1.1; info 4 1 1.1 1.1, ackepoch 4 1 1.1, ,"
                + " LEADING serving=false epochs=2/1 log=1.1 committed=1.1 applied=1.1",
        "after the quorum: a late (empty) follower is synced at once: SNAP, '1.1', info 2 1 1.1 1.1; ackepoch 2 1 1.1,"
                + " info 3 1 0 0; ackepoch 3 1 0, 3 LeaderInfo epoch=2; 3 Snap #1 1.1; 3 NewLeader #2 1.1,"
                + " LEADING serving=false epochs=2/2 log=1.1 committed=1.1 applied=1.1",
        // Established once a quorum (itself included) acknowledged NEWLEADER; then UPTODATE, and serving.
        "a follower's NEWLEADER ack makes the quorum: commit point and UPTODATE, '1.1 1.2 1.3',"
                + " info 2 1 1.3 1.3; ackepoch 2 1 1.3, acknl 2 1.3, 2 Commit #3 1.3; 2 UpToDate #4,"
                + " LEADING serving=true epochs=2/2 log=1.3 committed=1.3 applied=1.3",
        "an observer's NEWLEADER ack does not count, '1.1', info 2 1 1.1 1.1; ackepoch 2 1 1.1;"
                + " info 4 1 1.1 1.1; ackepoch 4 1 1.1, acknl 4 1.1, ,"
                + " LEADING serving=false epochs=2/2 log=1.1 committed=1.1 applied=1.1",
        "a NEWLEADER ack from a follower not yet synced is dropped, '1.1', info 2 1 1.1 1.1, acknl 2 1.1, ,"
                + " LEADING serving=false epochs=2/1 log=1.1 committed=1.1 applied=1.1",
        "once established: a late follower's NEWLEADER ack gets UPTODATE at once, '1.1',"
                + " info 2 1 1.1 1.1; ackepoch 2 1 1.1; acknl 2 1.1; info 3 1 1.1 1.1; ackepoch 3 1 1.1,"
                + " acknl 3 1.1, 3 Commit #3 1.1; 3 UpToDate #4,"
                + " LEADING serving=true epochs=2/2 log=1.1 committed=1.1 applied=1.1",
        // Broadcast: a proposal commits once a quorum, the leader's own fsync included, holds it durably.
        "a proposal goes to the synced followers only, , info 2 0 0 0; ackepoch 2 0 0; acknl 2 0;"
                + " info 3 0 0 0, propose, 2 Proposal #5 1.1 create /w,"
                + " LEADING serving=true epochs=1/1 log=1.1 committed=0 applied=0",
        "a follower's ack alone is no quorum while the leader's copy is not durable, ,"
                + " info 2 0 0 0; ackepoch 2 0 0; acknl 2 0; propose, ack 2 1.1, ,"
                + " LEADING serving=true epochs=1/1 log=1.1 committed=0 applied=0",
        "the leader's fsync alone is no quorum, , info 2 0 0 0; ackepoch 2 0 0; acknl 2 0; propose, fsync, ,"
                + " LEADING serving=true epochs=1/1 log=1.1 committed=0 applied=0",
        "the leader's fsync completes the quorum: COMMIT and apply, ,"
                + " info 2 0 0 0; ackepoch 2 0 0; acknl 2 0; propose; ack 2 1.1, fsync, 2 Commit #6 1.1,"
                + " LEADING serving=true epochs=1/1 log=1.1 committed=1.1 applied=1.1",
        "a follower's ping carries its ack, , info 2 0 0 0; ackepoch 2 0 0; acknl 2 0; propose; fsync,"
                + " ping 2 1.1, 2 Commit #6 1.1, LEADING serving=true epochs=1/1 log=1.1 committed=1.1 applied=1.1",
        "acks are cumulative: one ack commits every txn up to it, ,"
                + " info 2 0 0 0; ackepoch 2 0 0; acknl 2 0; propose; propose; fsync, ack 2 1.2, 2 Commit #7 1.2,"
                + " LEADING serving=true epochs=1/1 log=1.2 committed=1.2 applied=1.2",
        "an observer is informed of what commits (no proposal before), ,"
                + " info 2 0 0 0; ackepoch 2 0 0; acknl 2 0; info 4 0 0 0; ackepoch 4 0 0; acknl 4 0; propose;"
                + " fsync, ack 2 1.1, 2 Commit #6 1.1; 4 Inform #5 1.1 create /w,"
                + " LEADING serving=true epochs=1/1 log=1.1 committed=1.1 applied=1.1",
        // Stepping down (then looking, voting for itself): never two leaders, never a leader without a quorum.
        "no quorum heard from within syncLimit (5 ticks), , info 2 0 0 0; ackepoch 2 0 0; acknl 2 0; tick 5,"
                + " tick, 2 Notification LOOKING vote=1 zxid=0 epoch=1 round=2;"
                + " 3 Notification LOOKING vote=1 zxid=0 epoch=1 round=2,"
                + " LOOKING serving=false epochs=1/1 log=0 committed=0 applied=0",
        "a follower that keeps pinging keeps the quorum, ,"
                + " info 2 0 0 0; ackepoch 2 0 0; acknl 2 0; tick 4; ping 2 0; tick 4, tick, 2 Ping #4 0,"
                + " LEADING serving=true epochs=1/1 log=0 committed=0 applied=0",
        "not established within initLimit (10 ticks), , info 2 0 0 0; tick 10, tick,"
                + " 2 Notification LOOKING vote=1 zxid=0 epoch=0 round=2;"
                + " 3 Notification LOOKING vote=1 zxid=0 epoch=0 round=2,"
                + " LOOKING serving=false epochs=1/0 log=0 committed=0 applied=0",
        "a voter with a newer history answers the epoch: this leader must not lead, '1.1 1.2',"
                + " info 2 1 1.3 1.3, ackepoch 2 1 1.3, 2 Notification LOOKING vote=1 zxid=1.2 epoch=1 round=2;"
                + " 3 Notification LOOKING vote=1 zxid=1.2 epoch=1 round=2,"
                + " LOOKING serving=false epochs=2/1 log=1.2 committed=1.2 applied=1.2",
        "a voter refuses the epoch (promised elsewhere): make room for a higher one, '1.1', info 2 1 1.1 1.1,"
                + " refused 2, 2 Notification LOOKING vote=1 zxid=1.1 epoch=1 round=2;"
                + " 3 Notification LOOKING vote=1 zxid=1.1 epoch=1 round=2,"
                + " LOOKING serving=false epochs=2/1 log=1.1 committed=1.1 applied=1.1",
    })
    void leader(String name, String log, String given, String when, String sent, String state) {
        OneNode n = leader(log);
        n.run(given == null ? "" : given);
        assertEquals(sent == null ? "" : sent, String.join("; ", n.run(when)), "sent");
        assertEquals(state, n.state(), "state");
    }
}
