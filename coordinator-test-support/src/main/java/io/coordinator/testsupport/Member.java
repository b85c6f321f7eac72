package io.coordinator.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** One member of an ensemble on 127.0.0.1: its id (1..n), its three ports, its data directory and its log. */
public record Member(int id, int clientPort, int quorumPort, int electionPort, Path dataDir, Path log) {

    /** A member with fresh loopback ports (see {@link LoopbackPorts}). */
    public static Member allocate(int id, Path dataDir, Path log) throws IOException {
        return new Member(id, LoopbackPorts.next(), LoopbackPorts.next(), LoopbackPorts.next(), dataDir, log);
    }

    /** {@code n} members with fresh ports, ids 1..n, data in {@code dir/node<id>}, log {@code dir/node<id>.log}. */
    public static List<Member> allocate(int n, Path dir) throws IOException {
        List<Member> members = new ArrayList<>();
        for (int id = 1; id <= n; id++) {
            members.add(allocate(id, dir.resolve("node" + id), dir.resolve("node" + id + ".log")));
        }
        return members;
    }

    /** Their client ports, in order. */
    public static int[] clientPorts(List<Member> members) {
        return members.stream().mapToInt(Member::clientPort).toArray();
    }

    /** Coordinator's ensemble setting for these members, all participants. */
    public static String ensemble(List<Member> members) {
        return members.stream().map(m -> m.ensembleEntry("")).collect(Collectors.joining(","));
    }

    /**
     * Its entry in an ensemble, {@code id=127.0.0.1:quorum:election[:role];127.0.0.1:client}: an element of
     * Coordinator's ensemble setting, and after "server." a zoo.cfg or dynamic-file line. {@code role} "" for none.
     */
    public String ensembleEntry(String role) {
        return id + "=127.0.0.1:" + quorumPort + ":" + electionPort + (role.isEmpty() ? "" : ":" + role) + ";"
                + address();
    }

    /** Where clients reach it. */
    public String address() {
        return "127.0.0.1:" + clientPort;
    }
}
