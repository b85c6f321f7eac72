package org.apache.zookeeper;

import java.io.IOException;
import java.util.Queue;
import java.util.function.Consumer;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * The official client's NIO transport, telling the history when the server broke a session's request order. The
 * client matches each reply to its oldest outstanding request; a reply for another xid (or for none) makes it throw
 * "Xid out of order" and drop the connection, and its callers only see CONNECTIONLOSS, which the checkers accept
 * under faults. This reports that exception's message before the client handles it as usual.
 */
public final class ReplyOrderSocket extends ClientCnxnSocketNIO {
    private final Consumer<String> report;

    /** A client configuration that selects this transport and says where its findings go. */
    public static final class Config extends ZKClientConfig {
        private final Consumer<String> report;

        public Config(Consumer<String> report) {
            this.report = report;
            setProperty(ZOOKEEPER_CLIENT_CNXN_SOCKET, ReplyOrderSocket.class.getName());
        }
    }

    /** Made by the client (by reflection, from the configuration's class name). */
    ReplyOrderSocket(ZKClientConfig config) throws IOException {
        super(config);
        this.report = config instanceof Config c ? c.report : message -> {};
    }

    @Override
    void doTransport(int waitTimeOut, Queue<ClientCnxn.Packet> pendingQueue, ClientCnxn cnxn)
            throws IOException, InterruptedException {
        try {
            super.doTransport(waitTimeOut, pendingQueue, cnxn);
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.startsWith("Xid out of order") || m.startsWith("Nothing in the queue")) {
                report.accept(m);
            }
            throw e;
        }
    }
}
