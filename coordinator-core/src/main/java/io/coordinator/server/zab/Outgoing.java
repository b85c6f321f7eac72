package io.coordinator.server.zab;

/** A message for peer {@code to}. */
public record Outgoing(int to, ZabMessage message) {}
