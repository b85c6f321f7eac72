package io.coordinator.spring.leader;

import org.springframework.context.ApplicationEvent;

/** This instance gained or lost the leadership of a group. */
public class LeadershipChangedEvent extends ApplicationEvent {
    private final String group;
    private final boolean leader;
    private final long fencingToken;
    private final String reason;

    public LeadershipChangedEvent(Object source, String group, boolean leader, long fencingToken, String reason) {
        super(source);
        this.group = group;
        this.leader = leader;
        this.fencingToken = fencingToken;
        this.reason = reason;
    }

    public String group() {
        return group;
    }

    public boolean isLeader() {
        return leader;
    }
    /** Creation zxid of the leader's latch node when gained; 0 when lost. */
    public long fencingToken() {
        return fencingToken;
    }

    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "LeadershipChangedEvent[" + group + " leader=" + leader + " token=" + fencingToken + " (" + reason
                + ")]";
    }
}
