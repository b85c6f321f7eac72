package io.coordinator.server.request;

/**
 * Where the pipeline reports each write answered on this server (the one holding the client's session, as
 * ZooKeeper audits in its FinalRequestProcessor). Called on the pipeline thread: implementations must not block.
 */
@FunctionalInterface
public interface AuditSink {
    void write(AuditEvent event);
}
