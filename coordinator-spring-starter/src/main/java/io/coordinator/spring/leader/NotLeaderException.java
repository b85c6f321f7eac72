package io.coordinator.spring.leader;

/** Thrown by a {@code @LeaderOnly(whenNotLeader = THROW)} method called on an instance that does not lead. */
public class NotLeaderException extends RuntimeException {
    public NotLeaderException(String message) {
        super(message);
    }
}
