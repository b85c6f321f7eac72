package io.coordinator.server.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.ConnectResponse;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.JuteRecord;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.ReplyHeader;
import io.coordinator.server.protocol.WatcherEvent;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client connection that records everything the pipeline sends, in order. Bodies are encoded when sent.
 * Every output carries a sequence number from a counter shared by the connections of one test, so the
 * order across connections can be checked too.
 */
final class FakeConnection implements ClientConnection {
    enum Kind {
        CONNECT,
        REPLY,
        NOTIFY,
        CLOSE
    }

    record Out(
            long seq,
            Kind kind,
            ConnectResponse connect,
            ReplyHeader header,
            byte[] body,
            WatcherEvent event,
            long zxid) {
        JuteReader reader() {
            assertThat(body).as("reply body").isNotNull();
            return new JuteReader(body);
        }

        @Override
        public String toString() {
            return switch (kind) {
                case CONNECT -> "#" + seq + " connect(timeOut=" + connect.timeOut() + ")";
                case REPLY -> "#" + seq + " reply" + header + (body == null ? "" : "+" + body.length + "B");
                case NOTIFY -> "#" + seq + " notify" + event + "@" + zxid;
                case CLOSE -> "#" + seq + " close";
            };
        }
    }

    private final String address;
    private final AtomicLong sequence;
    private final BlockingQueue<Out> out = new LinkedBlockingQueue<>();
    private volatile boolean open = true;
    volatile long establishedSession;
    volatile int flushes;

    FakeConnection(String address, AtomicLong sequence) {
        this.address = address;
        this.sequence = sequence;
    }

    private void add(Kind kind, ConnectResponse c, ReplyHeader h, JuteRecord body, WatcherEvent e, long zxid) {
        byte[] bytes = body == null ? null : new JuteWriter().write(body).toByteArray();
        out.add(new Out(sequence.incrementAndGet(), kind, c, h, bytes, e, zxid));
    }

    @Override
    public void sendConnectResponse(ConnectResponse response) {
        add(Kind.CONNECT, response, null, null, null, 0);
    }

    @Override
    public void sendReply(ReplyHeader header, JuteRecord body) {
        add(Kind.REPLY, null, header, body, null, 0);
    }

    @Override
    public void sendNotification(WatcherEvent event, long zxid) {
        add(Kind.NOTIFY, null, null, null, event, zxid);
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public synchronized void close() {
        if (open) {
            open = false;
            add(Kind.CLOSE, null, null, null, null, 0);
        }
    }

    @Override
    public String remoteAddress() {
        return address;
    }

    @Override
    public String remoteSocketAddress() {
        return address + ":12345";
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void sessionEstablished(long sessionId, int negotiatedTimeout) {
        establishedSession = sessionId;
    }

    // ------------------------------------------------------------------ expectations (test thread)

    Out next() {
        try {
            Out o = out.poll(10, TimeUnit.SECONDS);
            assertThat(o).as("output expected on " + address).isNotNull();
            return o;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    Out next(Kind kind) {
        Out o = next();
        assertThat(o.kind()).as("%s", o).isEqualTo(kind);
        return o;
    }

    ConnectResponse connectResponse() {
        return next(Kind.CONNECT).connect();
    }

    Out reply(int xid) {
        Out o = next(Kind.REPLY);
        assertThat(o.header().xid()).as("%s", o).isEqualTo(xid);
        return o;
    }

    Out notification(int type, String path) {
        Out o = next(Kind.NOTIFY);
        assertThat(o.event()).isEqualTo(new WatcherEvent(type, WatcherEvent.STATE_SYNC_CONNECTED, path));
        return o;
    }

    Out closed() {
        return next(Kind.CLOSE);
    }

    /** Nothing is queued now; call after a pipeline barrier to mean "nothing was sent". */
    void assertNothingSent() {
        assertThat(out).as("outputs on " + address).isEmpty();
    }
}
