package io.coordinator.server.zab;

/** A member of the ensemble: a voter (participant) or an observer. */
public record Peer(int id, boolean observer) {}
