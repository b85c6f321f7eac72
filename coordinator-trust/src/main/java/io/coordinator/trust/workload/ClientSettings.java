package io.coordinator.trust.workload;

/**
 * Where and how a {@link Worker} connects.
 *
 * @param connectString the ensemble's host:port list
 * @param sessionTimeoutMs the session timeout each session asks for
 * @param opTimeoutMs how long an op may go unanswered before it is recorded as unknown (and the wait for a
 *     session to connect)
 */
public record ClientSettings(String connectString, int sessionTimeoutMs, long opTimeoutMs) {}
