package io.coordinator.trust.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.trust.check.OrderChecker;
import io.coordinator.trust.check.Violation;
import io.coordinator.trust.history.History;
import io.coordinator.trust.history.Op;
import io.coordinator.trust.history.Request;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ExistsResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.junit.jupiter.api.Test;

/**
 * The reply-order check against a real socket: a scripted server answers a pipeline of two reads in request
 * order or swapped. Swapped, the official client drops the connection (its callers see CONNECTIONLOSS only) and
 * the history records a reply-order error, which the checker reports; in order, nothing.
 */
class ReplyOrderTest {

    @Test
    void swappedRepliesAreReported() throws Exception {
        History history = pipelineAgainst(true);
        assertThat(history.replyOrderErrors()).isNotEmpty();
        assertThat(history.replyOrderErrors().get(0).message()).startsWith("Xid out of order. Got Xid 2");
        List<Violation> v = OrderChecker.replyOrder(history.replyOrderErrors());
        assertThat(v).isNotEmpty().allMatch(x -> x.category() == Violation.Category.REPLY_ORDER);
    }

    @Test
    void repliesInRequestOrderAreNot() throws Exception {
        History history = pipelineAgainst(false);
        assertThat(history.ops()).allMatch(Op::isAnsweredRead);
        assertThat(history.replyOrderErrors()).isEmpty();
    }

    /** Runs a pipeline of two exists on a worker connected to a scripted server; returns the history. */
    private static History pipelineAgainst(boolean swap) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread script = new Thread(() -> serve(server, swap), "scripted-server");
            script.setDaemon(true);
            script.start();
            History history = new History();
            Worker w = new Worker(
                    1, new ClientSettings("127.0.0.1:" + server.getLocalPort(), 6000, 10_000), "/r", 1, history);
            try {
                w.pipeline(List.of(Request.exists("/r/a", false), Request.exists("/r/b", false)));
            } finally {
                w.close();
            }
            return history;
        }
    }

    /** The first connection: handshake, then answer the first two requests (swapped if asked). */
    private static void serve(ServerSocket server, boolean swap) {
        try (Socket s = server.accept()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            in.readFully(new byte[in.readInt()]); // ConnectRequest
            send(out, new ConnectResponse(0, 6000, 0x42L, new byte[16], false), null);
            List<Integer> xids = new ArrayList<>();
            while (xids.size() < 2) {
                byte[] frame = new byte[in.readInt()];
                in.readFully(frame);
                int xid = ((frame[0] & 0xff) << 24)
                        | ((frame[1] & 0xff) << 16)
                        | ((frame[2] & 0xff) << 8)
                        | (frame[3] & 0xff);
                int type = ((frame[4] & 0xff) << 24)
                        | ((frame[5] & 0xff) << 16)
                        | ((frame[6] & 0xff) << 8)
                        | (frame[7] & 0xff);
                if (type == 11) { // ping
                    send(out, new ReplyHeader(-2, 7, 0), null);
                } else {
                    xids.add(xid);
                }
            }
            if (swap) {
                xids = List.of(xids.get(1), xids.get(0));
            }
            for (int xid : xids) {
                send(out, new ReplyHeader(xid, 7, 0), new ExistsResponse(new Stat(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1)));
            }
            in.read(); // until the client hangs up
        } catch (IOException e) {
            // the client closed the connection: the script is over
        }
    }

    private static void send(DataOutputStream out, Record first, Record second) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive a = BinaryOutputArchive.getArchive(bytes);
        first.serialize(a, "header");
        if (second != null) {
            second.serialize(a, "body");
        }
        out.writeInt(bytes.size());
        out.write(bytes.toByteArray());
        out.flush();
    }
}
