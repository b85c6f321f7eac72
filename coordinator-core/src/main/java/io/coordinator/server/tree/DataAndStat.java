package io.coordinator.server.tree;

import io.coordinator.server.protocol.Stat;

/** getData's answer; data may be null (a node created with null data keeps it). */
public record DataAndStat(byte[] data, Stat stat) {}
