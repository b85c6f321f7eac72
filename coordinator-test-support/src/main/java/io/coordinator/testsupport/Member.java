package io.coordinator.testsupport;

import java.io.IOException;
import java.nio.file.Path;

/** One member of an ensemble on 127.0.0.1: its id (1..n), its three ports, its data directory and its log. */
public record Member(int id, int clientPort, int quorumPort, int electionPort, Path dataDir, Path log) {

    /** A member with fresh loopback ports (see {@link LoopbackPorts}). */
    public static Member allocate(int id, Path dataDir, Path log) throws IOException {
        return new Member(id, LoopbackPorts.next(), LoopbackPorts.next(), LoopbackPorts.next(), dataDir, log);
    }

    /** Where clients reach it. */
    public String address() {
        return "127.0.0.1:" + clientPort;
    }
}
