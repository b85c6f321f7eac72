package io.coordinator.server.request;

import java.util.List;
import java.util.Map;

/**
 * What the four-letter words (and later the actuator) read about the server's state, beyond the traffic
 * counters the network layer keeps itself. Implemented by the request pipeline; every method is cheap and
 * safe to call from any thread.
 */
public interface ServerView {

    /** False until recovery finished and the server accepts clients (then 4lw say "not currently serving"). */
    boolean isServing();

    /** standalone, leader, follower, observer or read-only. */
    String mode();

    boolean isReadOnly();

    long lastProcessedZxid();

    int nodeCount();

    long approximateDataSize();

    int ephemeralCount();

    int sessionCount();

    /** Requests received but not yet answered. */
    int outstandingRequests();

    int watchCount();

    /** Requests refused because their session held the maximum number of watches. */
    default long watchLimitRejections() {
        return 0;
    }

    /** Requests answered AUTHFAILED (a failed SASL login, an auth packet of an unknown scheme), since start. */
    default long authFailures() {
        return 0;
    }

    int watchedPathCount();

    int watchingSessionCount();

    /** wchc: session id -> watched paths. */
    Map<Long, List<String>> watchesBySession();

    /** wchp: path -> watching session ids. */
    Map<String, List<Long>> watchesByPath();

    /** dump: session id -> its ephemeral paths. */
    Map<Long, List<String>> ephemeralsBySession();

    /** conf: key=value lines in ZooKeeper's order (clientPort, dataDir, dataLogDir, tickTime, ...). */
    Map<String, String> configuration();

    /** Extra mntr values of this server's role (a leader's learner counts), without the zk_ prefix. */
    default Map<String, Object> roleMonitorValues() {
        return Map.of();
    }

    /** "last/min/max" proposal sizes when leading (srvr prints them), else null. */
    default String proposalSizes() {
        return null;
    }
}
