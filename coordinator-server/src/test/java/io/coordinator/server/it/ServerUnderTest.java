package io.coordinator.server.it;

/** A running server that speaks the ZooKeeper client protocol on 127.0.0.1. */
public interface ServerUnderTest extends AutoCloseable {
    /** "127.0.0.1:port". */
    default String connectString() {
        return "127.0.0.1:" + port();
    }

    int port();

    /** What {@code srvr}'s {@code Mode:} line says on {@link #port()}: "standalone", "leader", "follower". */
    default String mode() {
        return "standalone";
    }

    /**
     * True when the connect string names several servers: a second session may land on another member,
     * whose reads are sequentially consistent (they may lag until a {@code sync}).
     */
    default boolean isEnsemble() {
        return false;
    }

    /** Human-readable name for messages: "zookeeper" or "coordinator". */
    String name();

    @Override
    void close();

    /** A single server on {@code port}, named {@code name}, that {@code stop} shuts down. */
    static ServerUnderTest standalone(String name, int port, Runnable stop) {
        return new ServerUnderTest() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public void close() {
                stop.run();
            }
        };
    }
}
