package io.coordinator.server.net;

/**
 * The version string the client port advertises (srvr/stat "Zookeeper version:", mntr zk_version, envi
 * zookeeper.version). It starts with the ZooKeeper release we are compatible with, so tools that parse
 * {@code X.Y.Z} from it (Kazoo's {@code server_version()}, version-gated tests) take the 3.9 paths.
 */
public final class ServerVersion {

    /** The ZooKeeper release whose client protocol we speak. */
    public static final String ZOOKEEPER_COMPATIBLE = "3.9.5";

    /** ZooKeeper's {@code Version.getFullVersion()} shape: {@code <version>-<revision>, built on <date>}. */
    public static final String FULL = ZOOKEEPER_COMPATIBLE + "-coordinator, built on 2026-11-22 00:00 UTC";

    private ServerVersion() {}
}
