package io.coordinator.server.it;

/** A running server that speaks the ZooKeeper client protocol on 127.0.0.1. */
public interface ServerUnderTest extends AutoCloseable {
    /** "127.0.0.1:port". */
    default String connectString() {
        return "127.0.0.1:" + port();
    }

    int port();

    /** Human-readable name for messages: "zookeeper" or "coordinator". */
    String name();

    @Override
    void close();
}
