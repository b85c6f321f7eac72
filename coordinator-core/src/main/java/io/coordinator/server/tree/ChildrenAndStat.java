package io.coordinator.server.tree;

import io.coordinator.server.protocol.Stat;
import java.util.List;

/** getChildren's answer (children in no particular order, as in ZooKeeper). */
public record ChildrenAndStat(List<String> children, Stat stat) {}
