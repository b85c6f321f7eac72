package io.coordinator.trust.history;

/** One result inside a multi's reply: 0 for OK, the op's error, or -2 for "not run" after the failure. */
public record SubResult(int code, String createdPath, NodeStat stat) {}
