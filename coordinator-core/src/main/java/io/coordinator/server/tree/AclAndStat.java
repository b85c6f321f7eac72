package io.coordinator.server.tree;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Stat;
import java.util.List;

/** getACL's answer. */
public record AclAndStat(List<Acl> acl, Stat stat) {}
